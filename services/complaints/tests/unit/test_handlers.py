"""Service-layer handlers against the in-memory fakes: what a command or a due timer leaves
in the repositories (ticket, timers, published and staged events)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chassis.clock import FixedClock
from complaints.domain.calendar import BusinessCalendar, WorkingPeriod
from complaints.domain.errors import InvalidTransition
from complaints.domain.policy import default_policy
from complaints.domain.tickets import ESCALATION_TIMER, AccountView, Ticket, clock_timer
from complaints.service_layer import commands as c
from complaints.service_layer.handlers import (
    NoActivePolicy,
    SlaSettings,
    UnknownAccount,
    file_complaint,
    fire_due_timers,
    run_ticket_command,
)
from contracts import complaints_v1 as v1
from services.complaints.tests.unit.fakes import FakeUnitOfWork

ALWAYS_OPEN = BusinessCalendar("default", "UTC", ((WorkingPeriod(0, 1440),),) * 7)
T0 = datetime(2026, 11, 20, 10, tzinfo=UTC)
ACME = AccountView("C-1", "Acme Trading", None, False)
SETTINGS = SlaSettings(
    ops_escalation_after=timedelta(hours=1),
    repeat_window=timedelta(days=30),
    stage_ahead=timedelta(0),
)


def fake_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork(accounts=[ACME], calendars=[ALWAYS_OPEN], policy=default_policy())


async def file(uow: FakeUnitOfWork, clock: FixedClock, account_id: str = "C-1") -> Ticket:
    command = c.FileComplaint(
        account_id=account_id,
        contact="Mr Wang",
        channel="email",
        category="product_quality",
        severity=3,
        description="cracked casing",
        actor="agent-1",
        visible_to=None,
    )
    return await file_complaint(uow=uow, command=command, clock=clock, settings=SETTINGS)


async def run(uow: FakeUnitOfWork, clock: FixedClock, command: c.TicketCommand) -> Ticket:
    return await run_ticket_command(uow=uow, command=command, clock=clock, settings=SETTINGS)


def types(uow: FakeUnitOfWork) -> list[str]:
    return [type(event).__name__ for event in uow.published.events()]


async def test_filing_saves_the_ticket_publishes_it_and_schedules_the_first_warnings() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    ticket = await file(uow, clock)
    assert uow.commits == 1
    assert uow.tickets.saved[ticket.id].status == "received"
    assert uow.tickets.history[ticket.id] == ["filed"]
    [filed] = uow.published.events()
    assert isinstance(filed, v1.TicketFiled)
    assert (filed.ticket_id, filed.account_id, filed.filed_by) == (ticket.id, "C-1", "agent-1")
    # The next due moment of each running clock is its 75% warning.
    assert uow.timers.of(ticket.id) == {
        clock_timer("respond"): T0 + timedelta(minutes=11, seconds=15),
        clock_timer("confirm"): T0 + timedelta(minutes=45),
        clock_timer("resolve"): T0 + timedelta(hours=18),
    }


async def test_filing_is_refused_for_an_unknown_account_or_without_a_policy() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    with pytest.raises(UnknownAccount, match="no account 'C-nobody'"):
        await file(uow, clock, "C-nobody")
    uow.policies.active_version = None
    with pytest.raises(NoActivePolicy):
        await file(uow, clock)
    assert (uow.commits, uow.tickets.saved, uow.published.published) == (0, {}, [])


async def test_acknowledging_meets_respond_and_drops_its_timer() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    ticket = await file(uow, clock)
    clock.advance(timedelta(minutes=5))
    acknowledged = await run(uow, clock, c.Acknowledge(ticket.id, "agent-2", None))
    assert acknowledged.status == "acknowledged"
    assert types(uow) == ["TicketFiled", "TicketAcknowledged", "SlaMet"]
    met = uow.published.events()[2]
    assert isinstance(met, v1.SlaMet) and met.clock == "respond"
    assert clock_timer("respond") not in uow.timers.of(ticket.id)
    assert uow.tickets.history[ticket.id] == ["filed", "acknowledged", "sla_met"]


async def test_a_refused_step_saves_and_publishes_nothing() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    ticket = await file(uow, clock)
    before = (uow.tickets.saved[ticket.id], uow.timers.of(ticket.id), types(uow), uow.commits)
    with pytest.raises(InvalidTransition):
        await run(uow, clock, c.Resolve(ticket.id, "h-7", None, root_cause="carrier"))
    assert (
        uow.tickets.saved[ticket.id],
        uow.timers.of(ticket.id),
        types(uow),
        uow.commits,
    ) == before


async def test_pausing_resolve_drops_its_timer_and_resuming_moves_the_deadline() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    ticket = await file(uow, clock)
    clock.advance(timedelta(hours=2))
    await run(uow, clock, c.PauseClock(ticket.id, "agent", None, clock="resolve", reason="photos"))
    assert clock_timer("resolve") not in uow.timers.of(ticket.id)
    assert uow.tickets.saved[ticket.id].clocks["resolve"].state == "paused"
    clock.advance(timedelta(hours=5))
    resumed = await run(uow, clock, c.ResumeClock(ticket.id, "agent", None, clock="resolve"))
    assert resumed.clocks["resolve"].deadline == T0 + timedelta(hours=29)
    # 75% of 24 h is 18 h of use: 2 h before the pause, 16 h after it.
    assert uow.timers.of(ticket.id)[clock_timer("resolve")] == T0 + timedelta(hours=23)


async def test_resolving_counts_earlier_tickets_with_the_same_root_cause() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    earlier = await file(uow, clock)
    uow.tickets.saved[earlier.id].root_cause = "Carrier delay"
    ticket = await file(uow, clock)
    steps = [
        c.Acknowledge(ticket.id, "agent", None),
        c.Assign(ticket.id, "lead", None, department="logistics", handler="h-7"),
        c.Investigate(ticket.id, "h-7", None),
        c.ProposeSolution(ticket.id, "h-7", None, remedy="compensation", solution="credit note"),
        c.Resolve(ticket.id, "h-7", None, root_cause=" carrier delay "),
    ]
    for step in steps:
        clock.advance(timedelta(minutes=5))
        resolved = await run(uow, clock, step)
    assert (resolved.status, resolved.cause_repeat_count) == ("resolved", 1)
    resolved_events = [e for e in uow.published.events() if isinstance(e, v1.TicketResolved)]
    assert [(e.ticket_id, e.remedy) for e in resolved_events] == [(ticket.id, "compensation")]
    assert uow.tickets.saved[ticket.id].root_cause == "carrier delay"


async def test_due_timers_record_the_warnings_then_the_breach_and_escalate() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    ticket = await file(uow, clock)
    while clock_timer("respond") in uow.timers.of(ticket.id):
        due = uow.timers.next_due()
        assert (due.key, due.kind) == (ticket.id, clock_timer("respond"))
        async with uow:
            await fire_due_timers(uow=uow, timers=[due], now=due.due_at, settings=SETTINGS)
            await uow.commit()
    assert types(uow) == [
        "TicketFiled",
        "SlaWarning",
        "SlaWarning",
        "SlaBreached",
        "TicketEscalated",
    ]
    breach, escalation = uow.published.events()[3:]
    assert isinstance(breach, v1.SlaBreached) and isinstance(escalation, v1.TicketEscalated)
    assert (breach.clock, breach.deadline) == ("respond", T0 + timedelta(minutes=15))
    assert escalation.escalated_to == "supervisor"
    saved = uow.tickets.saved[ticket.id]
    assert saved.clocks["respond"].breached_at == T0 + timedelta(minutes=15)
    # Still unanswered an hour after the breach, it goes to ops.
    assert uow.timers.of(ticket.id)[ESCALATION_TIMER] == T0 + timedelta(minutes=75)


async def test_staged_events_the_relay_published_are_not_published_again() -> None:
    uow, clock = fake_uow(), FixedClock(T0)
    settings = replace(SETTINGS, stage_ahead=timedelta(minutes=20))
    ticket = await file_complaint(
        uow=uow,
        command=c.FileComplaint("C-1", "Mr Wang", "email", "product_quality", 3, "late", "a", None),
        clock=clock,
        settings=settings,
    )
    staged = sorted(type(s.event).__name__ for s in uow.published.staged.values())
    assert staged == ["SlaBreached", "SlaWarning", "SlaWarning", "TicketEscalated"]
    assert uow.timers.staged_until[ticket.id] == T0 + timedelta(minutes=20)
    # The relay published them at their moments; the scheduler records them afterwards.
    uow.published.sent |= set(uow.published.staged)
    while clock_timer("respond") in uow.timers.of(ticket.id):
        due = uow.timers.next_due()
        async with uow:
            await fire_due_timers(uow=uow, timers=[due], now=due.due_at, settings=settings)
            await uow.commit()
    assert types(uow) == ["TicketFiled"]
    assert uow.tickets.saved[ticket.id].clocks["respond"].breached_at == T0 + timedelta(minutes=15)

"""Handlers on the real PostgreSQL: tickets, clocks, history, outbox events and durable timers
change together; timers fire on a clock the test moves."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, text, update

from chassis.clock import FixedClock
from chassis.scheduler import TimerScheduler
from chassis.testing import eventually
from complaints.adapters.documents import plain_holiday
from complaints.adapters.tables import outbox, ticket_history, timers
from complaints.bootstrap import Complaints
from complaints.domain.errors import ClockRefused, InvalidTransition
from complaints.service_layer import commands as c
from complaints.service_layer.handlers import (
    UnknownAccount,
    file_complaint,
    fire_due_timers,
    run_ticket_command,
    stage_coming_events,
    update_calendar,
)

pytestmark = pytest.mark.integration

HOURLY_RULES = [
    {
        "name": "base",
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "confirm": {"amount": 1, "unit": "hours"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
            "feedback": {"amount": 48, "unit": "hours", "pausable": True},
        },
    },
    {
        "name": "vip",
        "vip": True,
        "targets": {"respond": {"amount": 5, "unit": "minutes"}},
    },
]


def clock_of(app: Complaints) -> FixedClock:
    assert isinstance(app.clock, FixedClock)
    return app.clock


async def file(app: Complaints, account_id: str, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "account_id": account_id,
        "contact": "Ms Li, purchasing",
        "channel": "hotline",
        "category": "product_quality",
        "severity": 2,
        "description": "cracked bottles in the last delivery",
        "actor": "agent-1",
        "visible_to": None,
        "order_refs": ("SO-1",),
    }
    return await file_complaint(
        uow=app.uow(),
        command=c.FileComplaint(**{**values, **overrides}),
        clock=app.clock,
        settings=app.sla,
    )


async def run(app: Complaints, command: c.TicketCommand) -> Any:
    return await run_ticket_command(
        uow=app.uow(), command=command, clock=app.clock, settings=app.sla
    )


async def published(app: Complaints, account_id: str) -> list[dict[str, Any]]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.payload).where(outbox.c.key == account_id).order_by(outbox.c.id)
        )
        return [row.payload for row in rows]


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"].split(".")[2] for event in events]


async def pending(app: Complaints, ticket_id: str) -> dict[str, Any]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            select(timers.c.kind, timers.c.due_at).where(
                timers.c.key == ticket_id, timers.c.fired_at.is_(None)
            )
        )
        return {row.kind: row.due_at for row in rows}


def scheduler(app: Complaints) -> TimerScheduler:
    async def handle(**batch: Any) -> None:
        await fire_due_timers(**batch, settings=app.sla)

    return TimerScheduler(
        name="complaints-test",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=handle,
        clock=app.clock,
    )


async def test_a_ticket_for_an_unknown_account_is_refused(complaints: Complaints) -> None:
    with pytest.raises(UnknownAccount, match="no account 'C-nobody'"):
        await file(complaints, "C-nobody")
    assert await published(complaints, "C-nobody") == []


async def test_filing_saves_clocks_publishes_and_schedules_the_first_warnings(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    version = await activate_policy(HOURLY_RULES)
    account = await new_account()
    ticket = await file(complaints, account)
    t0 = clock_of(complaints).now()

    async with complaints.uow() as uow:
        stored = await uow.queries.ticket(ticket.id, visible_to=None)
    assert stored is not None
    assert (stored["status"], stored["policy_version"], stored["account_name"]) == (
        "received",
        version,
        "Acme Trading",
    )
    deadlines = {clock["clock"]: clock["deadline"] for clock in stored["clocks"]}
    assert deadlines["respond"] == t0 + timedelta(minutes=15)
    assert deadlines["resolve"] == t0 + timedelta(hours=24)
    # The next due moment of each running clock is its 75% warning.
    assert await pending(complaints, ticket.id) == {
        "clock:respond": t0 + timedelta(minutes=11, seconds=15),
        "clock:confirm": t0 + timedelta(minutes=45),
        "clock:resolve": t0 + timedelta(hours=18),
    }
    [filed] = await published(complaints, account)
    assert filed["type"] == "complaints.ticket.filed.v1"
    assert filed["subject"] == account
    assert filed["data"]["ticket_id"] == ticket.id
    assert "contact" not in filed["data"] and "description" not in filed["data"]


async def test_steps_are_saved_with_history_and_a_refused_step_changes_nothing(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    account = await new_account()
    ticket = await file(complaints, account)
    clock_of(complaints).advance(timedelta(minutes=3))
    await run(complaints, c.Acknowledge(ticket.id, "agent-2", None))
    await run(complaints, c.Assign(ticket.id, "lead", None, department="quality", handler="q-7"))

    async def snapshot() -> tuple[Any, int, list[str]]:
        async with complaints.uow() as uow:
            stored = await uow.queries.ticket(ticket.id, visible_to=None)
        assert stored is not None
        return stored["status"], len(stored["history"]), types(await published(complaints, account))

    before = await snapshot()
    with pytest.raises(InvalidTransition, match="cannot resolve a ticket that is acknowledged"):
        await run(complaints, c.Resolve(ticket.id, "agent-2", None, root_cause="packing"))
    with pytest.raises(ClockRefused, match="cannot be paused"):
        await run(complaints, c.PauseClock(ticket.id, "agent-2", None, clock="respond", reason="x"))
    assert await snapshot() == before
    assert before[0] == "acknowledged"
    assert before[2] == ["filed", "acknowledged", "sla_met", "assigned"]

    async with complaints.uow() as uow:
        stored = await uow.queries.ticket(ticket.id, visible_to=None)
    assert stored is not None
    history = [(h["actor"], h["action"]) for h in stored["history"]]
    assert history == [
        ("agent-1", "filed"),
        ("agent-2", "acknowledged"),
        ("system", "sla_met"),
        ("lead", "assigned"),
    ]
    # The respond clock was met: its timer is gone.
    assert "clock:respond" not in await pending(complaints, ticket.id)


async def test_timers_fire_warnings_then_the_breach_once_then_escalate_to_ops(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    account = await new_account()
    ticket = await file(complaints, account)
    t0 = clock_of(complaints).now()
    timers_ = scheduler(complaints)

    clock_of(complaints).set(t0 + timedelta(minutes=11, seconds=15) - timedelta(milliseconds=1))
    await timers_.fire_due()
    assert types(await published(complaints, account)) == ["filed"]

    clock_of(complaints).set(t0 + timedelta(minutes=11, seconds=15))
    await timers_.fire_due()
    clock_of(complaints).set(t0 + timedelta(minutes=13, seconds=30))
    await timers_.fire_due()
    clock_of(complaints).set(t0 + timedelta(minutes=15))
    await timers_.fire_due()
    await timers_.fire_due()
    events = await published(complaints, account)
    assert types(events) == ["filed", "sla_warning", "sla_warning", "sla_breached", "escalated"]
    assert [e["data"]["threshold"] for e in events if "threshold" in e["data"]] == [75, 90]
    breach = events[3]["data"]
    assert (breach["clock"], breach["deadline"]) == ("respond", "2026-11-20T10:15:00Z")
    assert events[4]["data"]["escalated_to"] == "supervisor"

    # Ops escalation one hour (configured) after the breach, if still breached: it is.
    clock_of(complaints).set(t0 + timedelta(hours=1, minutes=15))
    await timers_.fire_due()
    escalations = [e["data"] for e in await published(complaints, account) if "level" in e["data"]]
    assert [(e["level"], e["escalated_to"]) for e in escalations] == [
        (1, "supervisor"),
        (2, "ops"),
    ]
    async with complaints.engine.connect() as connection:
        breaches = await connection.scalar(
            select(func.count())
            .select_from(ticket_history)
            .where(
                ticket_history.c.ticket_id == ticket.id, ticket_history.c.action == "sla_breached"
            )
        )
    # respond (10:15) and confirm (11:00) both breached, each once.
    assert breaches == 2


async def test_a_vip_account_gets_the_shorter_targets(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    ordinary = await file(complaints, await new_account())
    vip = await file(complaints, await new_account(vip=True))
    assert vip.vip and not ordinary.vip
    assert vip.clocks["respond"].deadline - ordinary.clocks["respond"].deadline == timedelta(
        minutes=-10
    )


async def test_pausing_resolve_removes_its_timer_and_resuming_moves_the_deadline(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    ticket = await file(complaints, await new_account())
    t0 = clock_of(complaints).now()
    clock_of(complaints).advance(timedelta(hours=2))
    await run(complaints, c.PauseClock(ticket.id, "agent", None, clock="resolve", reason="photos"))
    assert "clock:resolve" not in await pending(complaints, ticket.id)
    clock_of(complaints).advance(timedelta(hours=5))
    resumed = await run(complaints, c.ResumeClock(ticket.id, "agent", None, clock="resolve"))
    assert resumed.clocks["resolve"].deadline == t0 + timedelta(hours=29)
    # 75% of 24 h is 18 h of use: 2 h before the pause, 16 h after it.
    assert (await pending(complaints, ticket.id))["clock:resolve"] == t0 + timedelta(hours=23)


async def test_editing_a_calendar_recomputes_open_deadlines_and_timers(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    name = "office-test"
    weekdays = {
        day: ["09:00-17:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
    await update_calendar(
        uow=complaints.uow(),
        command=c.UpdateCalendar(name, "UTC", weekdays, [], "admin"),
        clock=complaints.clock,
        settings=complaints.sla,
    )
    await activate_policy(
        [{"targets": {"resolve": {"amount": 24, "unit": "hours", "calendar": name}}}]
    )
    ticket = await file(complaints, await new_account())  # Friday 10:00
    assert ticket.clocks["resolve"].deadline.isoformat() == "2026-11-25T10:00:00+00:00"

    clock_of(complaints).advance(timedelta(hours=1))
    edited = await update_calendar(
        uow=complaints.uow(),
        command=c.UpdateCalendar(name, "UTC", weekdays, [plain_holiday("2026-11-24")], "admin"),
        clock=complaints.clock,
        settings=complaints.sla,
    )
    assert edited.version == 2
    async with complaints.uow() as uow:
        stored = await uow.queries.ticket(ticket.id, visible_to=None)
    assert stored is not None
    [resolve] = stored["clocks"]
    # Tuesday became a holiday: the deadline moves a working day later.
    assert resolve["deadline"].isoformat() == "2026-11-26T10:00:00+00:00"
    assert resolve["consumed"] == timedelta(hours=1)
    warning = (await pending(complaints, ticket.id))["clock:resolve"]
    # 75% = 18 h of 24 h: Friday 7 h, Monday 8 h, (Tuesday off), Wednesday 3 h.
    assert warning.isoformat() == "2026-11-25T12:00:00+00:00"


async def test_repeat_complaints_of_an_account_are_counted(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    account = await new_account()
    first = await file(complaints, account)
    second = await file(complaints, account)
    third = await file(complaints, account)
    assert (first.repeat_count, second.repeat_count, third.repeat_count) == (0, 1, 2)
    [*_, filed] = await published(complaints, account)
    assert filed["data"]["repeat_count"] == 2


def staging_scheduler(app: Complaints) -> TimerScheduler:
    async def handle(**batch: Any) -> None:
        await fire_due_timers(**batch, settings=app.sla)

    async def stage(**batch: Any) -> None:
        await stage_coming_events(**batch, settings=app.sla)

    return TimerScheduler(
        name="complaints-test",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=handle,
        clock=app.clock,
        stager=stage,
        stage_ahead=app.settings.stage_ahead,
        staged_grace=app.settings.staged_grace,
    )


async def breach_timer_within_reach(app: Complaints, deadline: datetime) -> TimerScheduler:
    """Record the respond warnings (the timer moves to the deadline, still out of reach), then
    move the clock to 20 s before the deadline; returns the staging scheduler."""
    timers_ = staging_scheduler(app)
    clock = clock_of(app)
    clock.set(deadline - timedelta(seconds=90))
    await timers_.fire_due()
    await timers_.stage_due()
    clock.set(deadline - timedelta(seconds=20))
    return timers_


async def outbox_rows(app: Complaints, ticket_id: str) -> list[Any]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            select(
                outbox.c.event_id,
                outbox.c.publish_at,
                outbox.c.staged_by,
                outbox.c.sent_at,
                outbox.c.payload["type"].astext.label("type"),
            )
            .where(outbox.c.payload["data"]["ticket_id"].astext == ticket_id)
            .order_by(outbox.c.id)
        )
        return list(rows)


async def test_a_breach_is_staged_ahead_and_recorded_once_after_its_moment(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    ticket = await file(complaints, await new_account())
    deadline = ticket.clocks["respond"].deadline
    timers_ = await breach_timer_within_reach(complaints, deadline)
    assert [row for row in await outbox_rows(complaints, ticket.id) if row.staged_by] == []
    # (Other tests' tickets share the schema and the clock: counts are not this ticket's.)
    await timers_.stage_due()
    staged = [row for row in await outbox_rows(complaints, ticket.id) if row.staged_by]
    assert [(row.type.split(".")[2], row.publish_at) for row in staged] == [
        ("sla_breached", deadline),
        ("escalated", deadline),
    ]
    # At the deadline the relay publishes; the timer waits out the grace.
    clock = clock_of(complaints)
    clock.set(deadline)
    await timers_.fire_due()
    assert "clock:respond" in await pending(complaints, ticket.id)
    clock.set(deadline + complaints.settings.staged_grace)
    await timers_.fire_due()
    assert "clock:respond" not in await pending(complaints, ticket.id)
    rows = await outbox_rows(complaints, ticket.id)
    breaches = [row for row in rows if row.type.endswith("sla_breached.v1")]
    # No relay ran: the catch-up withdrew the unsent staged row and wrote the same event.
    assert len(breaches) == 1 and breaches[0].event_id == staged[0].event_id
    async with complaints.uow() as uow:
        stored = await uow.tickets.get(ticket.id, visible_to=None, lock=False)
    assert stored is not None and stored.clocks["respond"].breached_at == deadline


async def test_a_change_racing_the_relay_sees_the_breach_the_relay_published(
    complaints: Complaints, new_account: Any, activate_policy: Any
) -> None:
    await activate_policy(HOURLY_RULES)
    ticket = await file(complaints, await new_account())
    deadline = ticket.clocks["respond"].deadline
    await (await breach_timer_within_reach(complaints, deadline)).stage_due()
    clock = clock_of(complaints)
    breach_id = next(
        row.event_id
        for row in await outbox_rows(complaints, ticket.id)
        if row.type.endswith("sla_breached.v1")
    )

    # A relay claims the staged breach at its deadline and is busy publishing it...
    async with complaints.engine.connect() as relay:
        await relay.execute(
            select(outbox.c.id).where(outbox.c.event_id == breach_id).with_for_update()
        )
        # ...while someone acknowledges the ticket a millisecond before the deadline.
        clock.set(deadline - timedelta(milliseconds=1))
        acknowledging = asyncio.create_task(
            run(complaints, c.Acknowledge(ticket.id, "agent-2", None))
        )

        async def waiting_for_the_relay() -> bool:
            async with complaints.engine.connect() as connection:
                waiting = await connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM%outbox%'"
                    )
                )
            return bool(waiting)

        await eventually(waiting_for_the_relay, within=10)
        clock.set(deadline + timedelta(milliseconds=2))
        await relay.execute(
            update(outbox).where(outbox.c.event_id == breach_id).values(sent_at=func.now())
        )
        await relay.commit()
    acknowledged = await acknowledging

    # The breach is on Kafka, so the acknowledgement comes after it: breached, never met.
    assert acknowledged.clocks["respond"].breached_at == deadline
    rows = await outbox_rows(complaints, ticket.id)
    kinds = [row.type.split(".")[2] for row in rows if row.staged_by is None]
    assert "sla_met" not in kinds
    assert [row.event_id for row in rows if row.type.endswith("sla_breached.v1")] == [breach_id]

"""SLA clocks on tickets: targets, warnings, breach, met, pause, calendar and policy changes."""

import copy
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from complaints.domain.calendar import BusinessCalendar, WorkingPeriod
from complaints.domain.errors import ClockRefused, InvalidInput, InvalidTransition
from complaints.domain.events import (
    ClockBreached,
    ClockMet,
    ClockWarning,
    TicketEscalated,
)
from complaints.domain.policy import ClockTarget, PolicyRule, SlaPolicy, default_policy
from complaints.domain.tickets import AccountView, SlaContext, Ticket

NINE_TO_FIVE = (WorkingPeriod.parse("09:00-17:00"),)
OFFICE = BusinessCalendar("default", "UTC", (NINE_TO_FIVE,) * 5 + ((), ()))
CTX = SlaContext(calendars={"default": OFFICE}, ops_escalation_after=timedelta(hours=2))
ACCOUNT = AccountView("C-1", "Acme", "medium", False)
FRIDAY_10 = datetime(2026, 11, 20, 10, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def file(
    *,
    at: datetime = FRIDAY_10,
    severity: int = 2,
    category: str = "product_quality",
    account: AccountView = ACCOUNT,
    policy: SlaPolicy | None = None,
    ctx: SlaContext = CTX,
) -> Ticket:
    return Ticket.file(
        ticket_id="T-1",
        account=account,
        contact="Ms Li, purchasing",
        channel="hotline",
        category=category,
        severity=severity,
        description="cracked bottles",
        order_refs=("SO-1",),
        policy=policy or default_policy(),
        ctx=ctx,
        at=at,
        actor="agent-1",
    )


def events_of(ticket: Ticket, kind: type) -> list:
    return [event for event in ticket.events if isinstance(event, kind)]


def test_filing_starts_the_clocks_with_targets_from_the_policy() -> None:
    ticket = file()
    assert set(ticket.clocks) == {"respond", "confirm", "resolve", "feedback"}
    assert ticket.clocks["respond"].deadline == utc(2026, 11, 20, 10, 15)
    assert ticket.clocks["confirm"].deadline == utc(2026, 11, 20, 11)
    # 24 business hours from Friday 10:00: 7 h Friday, 8 h Monday, 8 h Tuesday, 1 h Wednesday.
    assert ticket.clocks["resolve"].deadline == utc(2026, 11, 25, 10)
    assert ticket.clocks["feedback"].state == "pending"


def test_severity_one_runs_on_wall_time_with_48_hours_to_resolve() -> None:
    ticket = file(severity=1)
    assert ticket.clocks["resolve"].deadline == FRIDAY_10 + timedelta(hours=48)
    assert ticket.clocks["respond"].deadline == FRIDAY_10 + timedelta(minutes=15)


def test_a_vip_account_gets_shorter_targets() -> None:
    ordinary = file()
    vip = file(account=replace(ACCOUNT, vip=True))
    for name in ("respond", "confirm", "resolve"):
        assert vip.clocks[name].deadline < ordinary.clocks[name].deadline  # type: ignore[operator]
    assert vip.clocks["respond"].deadline == FRIDAY_10 + timedelta(minutes=5)


def test_returns_get_the_returns_clocks() -> None:
    ticket = file(category="returns")
    assert {"return_review", "replacement", "refund"} <= set(ticket.clocks)
    ticket.review_return(at=utc(2026, 11, 20, 12), actor="a", ctx=CTX, remedy="replace")
    replacement = ticket.clocks["replacement"]
    # 15 working days from Friday: Monday 23 Nov ... Friday 11 Dec, closing at 17:00.
    assert replacement.deadline == utc(2026, 12, 11, 17)
    assert ticket.clocks["refund"].state == "pending"
    assert events_of(ticket, ClockMet)[0].clock == "return_review"


def test_warnings_fire_at_75_and_90_percent_and_never_early() -> None:
    ticket = file(severity=1)  # respond: 15 minutes of wall time
    respond = ticket.clocks["respond"]
    warn_75 = FRIDAY_10 + timedelta(minutes=11, seconds=15)
    assert respond.next_due(CTX.measure(None)) == warn_75
    ticket.process_due(now=warn_75 - timedelta(microseconds=1), ctx=CTX)
    assert events_of(ticket, ClockWarning) == []
    ticket.process_due(now=warn_75, ctx=CTX)
    assert [(w.clock, w.threshold) for w in events_of(ticket, ClockWarning)] == [("respond", 75)]
    ticket.process_due(now=warn_75, ctx=CTX)
    assert len(events_of(ticket, ClockWarning)) == 1
    assert respond.next_due(CTX.measure(None)) == FRIDAY_10 + timedelta(minutes=13, seconds=30)


def test_the_breach_fires_once_at_the_deadline_and_escalates_to_the_supervisor() -> None:
    ticket = file(severity=1)
    deadline = ticket.clocks["respond"].deadline
    assert deadline is not None
    ticket.process_due(now=deadline - timedelta(microseconds=1), ctx=CTX)
    assert events_of(ticket, ClockBreached) == []
    ticket.process_due(now=deadline, ctx=CTX)
    ticket.process_due(now=deadline + timedelta(seconds=5), ctx=CTX)
    breaches = events_of(ticket, ClockBreached)
    assert [(b.clock, b.deadline) for b in breaches] == [("respond", deadline)]
    assert [(e.level, e.clock) for e in events_of(ticket, TicketEscalated)] == [(1, "respond")]
    assert ticket.escalation_level == 1


def test_events_found_late_happen_at_their_own_moments_warnings_first() -> None:
    ticket = file(severity=1)  # respond 15 min, confirm 1 h, wall time
    respond = ticket.clocks["respond"]
    ticket.process_due(now=FRIDAY_10 + timedelta(hours=3), ctx=CTX)
    respond_events = [
        (type(e).__name__, e.at)
        for e in ticket.events
        if isinstance(e, ClockWarning | ClockBreached) and e.clock == "respond"
    ]
    assert respond_events == [
        ("ClockWarning", FRIDAY_10 + timedelta(minutes=11, seconds=15)),
        ("ClockWarning", FRIDAY_10 + timedelta(minutes=13, seconds=30)),
        ("ClockBreached", FRIDAY_10 + timedelta(minutes=15)),
    ]
    assert respond.breached_at == FRIDAY_10 + timedelta(minutes=15)
    # Escalation dates from the first breach, so ops is due 2 h after it, and has been reached.
    escalations = events_of(ticket, TicketEscalated)
    assert [(e.level, e.at) for e in escalations] == [
        (1, FRIDAY_10 + timedelta(minutes=15)),
        (2, FRIDAY_10 + timedelta(hours=2, minutes=15)),
    ]


def test_foresight_lists_the_coming_time_driven_events_without_changing_the_ticket() -> None:
    ticket = file(severity=1)
    deadline = FRIDAY_10 + timedelta(minutes=15)
    foreseen = ticket.foresee(now=FRIDAY_10, until=deadline, ctx=CTX)
    assert [(type(e).__name__, e.at) for e in foreseen] == [
        ("ClockWarning", FRIDAY_10 + timedelta(minutes=11, seconds=15)),
        ("ClockWarning", FRIDAY_10 + timedelta(minutes=13, seconds=30)),
        ("ClockBreached", deadline),
        ("TicketEscalated", deadline),
    ]
    # The same events, recorded when they happen, are equal to the foreseen ones (same ids).
    assert ticket.events and not any(isinstance(e, ClockWarning) for e in ticket.events)
    ticket.events.clear()
    ticket.process_due(now=FRIDAY_10 + timedelta(minutes=12), ctx=CTX)
    ticket.process_due(now=deadline + timedelta(seconds=3), ctx=CTX)
    assert ticket.events == foreseen
    # Nothing is foreseen past `until`, and a stopped clock foresees nothing.
    later = file(severity=1)
    assert later.foresee(now=FRIDAY_10, until=FRIDAY_10 + timedelta(minutes=11), ctx=CTX) == []
    later.acknowledge(at=FRIDAY_10 + timedelta(minutes=1), actor="a", ctx=CTX)
    assert [
        e.clock
        for e in later.foresee(now=FRIDAY_10, until=deadline, ctx=CTX)
        if isinstance(e, ClockBreached)
    ] == []


def test_a_ticket_copy_changes_without_changing_the_ticket() -> None:
    ticket = file(severity=1)
    before = copy.deepcopy(ticket)
    future = ticket.copy()
    assert future == ticket
    # Breach, escalate and acknowledge the copy: every clock, list and mapping of it changes.
    future.process_due(now=FRIDAY_10 + timedelta(hours=3), ctx=CTX)
    future.acknowledge(at=FRIDAY_10 + timedelta(hours=3), actor="a", ctx=CTX)
    assert future.clocks["respond"].breached_at is not None
    assert future.escalation_level == 2 and "acknowledged" in future.milestones
    assert ticket == before
    assert (ticket.events, ticket.history) == (before.events, before.history)


def test_escalation_to_ops_follows_after_the_configured_time_if_still_breached() -> None:
    ticket = file(severity=1)
    deadline = ticket.clocks["respond"].deadline
    assert deadline is not None
    ticket.process_due(now=deadline, ctx=CTX)
    assert ticket.due_moments(CTX)["escalation"] == deadline + timedelta(hours=2)
    ticket.process_due(now=deadline + timedelta(hours=2), ctx=CTX)
    assert [e.level for e in events_of(ticket, TicketEscalated)] == [1, 2]
    assert ticket.escalation_level == 2
    assert "escalation" not in ticket.due_moments(CTX)


def test_no_ops_escalation_when_the_breached_clock_was_stopped_meanwhile() -> None:
    ticket = file(severity=1)
    deadline = ticket.clocks["respond"].deadline
    assert deadline is not None
    ticket.process_due(now=deadline, ctx=CTX)
    ticket.acknowledge(at=deadline + timedelta(minutes=1), actor="a", ctx=CTX)
    ticket.process_due(now=deadline + timedelta(hours=3), ctx=CTX)
    # The confirm clock (1 h) breached too, and it is still running: that one goes to ops.
    assert [(e.level, e.clock) for e in events_of(ticket, TicketEscalated)] == [
        (1, "respond"),
        (2, "confirm"),
    ]


def test_acknowledging_before_the_deadline_meets_the_respond_clock() -> None:
    ticket = file()
    ticket.acknowledge(at=FRIDAY_10 + timedelta(minutes=5), actor="agent-2", ctx=CTX)
    met = events_of(ticket, ClockMet)
    assert [(m.clock, m.at) for m in met] == [("respond", FRIDAY_10 + timedelta(minutes=5))]
    assert ticket.clocks["respond"].outcome == "met"
    ticket.process_due(now=FRIDAY_10 + timedelta(days=1), ctx=CTX)
    assert not [b for b in events_of(ticket, ClockBreached) if b.clock == "respond"]


def test_waiting_on_the_customer_pauses_resolve_but_respond_cannot_pause() -> None:
    ticket = file()
    with pytest.raises(ClockRefused, match="cannot be paused"):
        ticket.pause_clock(name="respond", at=FRIDAY_10, actor="a", ctx=CTX, reason="waiting")
    ticket.pause_clock(
        name="resolve", at=FRIDAY_10 + timedelta(hours=1), actor="a", ctx=CTX, reason="waiting"
    )
    assert ticket.clocks["resolve"].state == "paused"
    assert ticket.clocks["respond"].state == "running"
    assert "clock:resolve" not in ticket.due_moments(CTX)


def test_pause_and_resume_across_a_closed_period() -> None:
    """Paused Friday 16:00 with 1 h used... resumed Saturday (closed): the rest counts Monday."""
    ticket = file()
    resolve = ticket.clocks["resolve"]
    ticket.pause_clock(
        name="resolve", at=utc(2026, 11, 20, 16), actor="a", ctx=CTX, reason="awaiting photos"
    )
    assert resolve.consumed == timedelta(hours=6)
    ticket.resume_clock(name="resolve", at=utc(2026, 11, 21, 11), actor="a", ctx=CTX)
    # 18 h left from Saturday: Monday 8 h, Tuesday 8 h, Wednesday 2 h -> 11:00.
    assert resolve.deadline == utc(2026, 11, 25, 11)
    assert resolve.paused_total == timedelta(hours=19)
    assert resolve.remaining(utc(2026, 11, 23, 9), OFFICE) == timedelta(hours=18)


def test_a_paused_clock_does_not_breach_and_resumed_it_breaches_later() -> None:
    ticket = file(severity=1)  # resolve: 48 h wall time, pausable
    resolve = ticket.clocks["resolve"]
    ticket.pause_clock(
        name="resolve", at=FRIDAY_10 + timedelta(hours=40), actor="a", ctx=CTX, reason="waiting"
    )
    ticket.process_due(now=FRIDAY_10 + timedelta(hours=60), ctx=CTX)
    assert not [b for b in events_of(ticket, ClockBreached) if b.clock == "resolve"]
    ticket.resume_clock(name="resolve", at=FRIDAY_10 + timedelta(hours=60), actor="a", ctx=CTX)
    assert resolve.deadline == FRIDAY_10 + timedelta(hours=68)


def test_resuming_a_running_clock_is_refused_and_changes_nothing() -> None:
    ticket = file()
    before = replace(ticket.clocks["resolve"])
    with pytest.raises(ClockRefused, match="only a paused clock"):
        ticket.resume_clock(name="resolve", at=FRIDAY_10, actor="a", ctx=CTX)
    assert ticket.clocks["resolve"] == before


def test_a_calendar_edit_mid_ticket_keeps_time_used_and_recounts_the_rest() -> None:
    ticket = file()
    resolve = ticket.clocks["resolve"]
    assert resolve.deadline == utc(2026, 11, 25, 10)
    # Monday: 7 h used on Friday + 2 h today = 9 h; Tuesday becomes a holiday.
    edited = replace(OFFICE, holidays=frozenset({date(2026, 11, 24)}), version=2)
    ticket.rebase_calendar(
        calendar="default", at=utc(2026, 11, 23, 11), old=OFFICE, new=edited, ctx=CTX
    )
    assert resolve.consumed == timedelta(hours=9)
    # 15 h left: Monday 6 h (to 17:00), Wednesday 8 h, Thursday 1 h.
    assert resolve.deadline == utc(2026, 11, 26, 10)
    # The respond clock was due long before the edit: it breached then, under the old calendar.
    assert ticket.clocks["respond"].deadline == utc(2026, 11, 20, 10, 15)
    assert "respond" in {b.clock for b in events_of(ticket, ClockBreached)}


def test_a_new_policy_version_does_not_change_an_open_ticket() -> None:
    ticket = file(policy=default_policy(version=1))
    stricter = SlaPolicy(
        version=2,
        rules=(
            PolicyRule(
                targets={"feedback": ClockTarget(1, "hours"), "resolve": ClockTarget(2, "hours")}
            ),
        ),
    )
    newer = file(policy=stricter)
    assert newer.policy_version == 2
    assert newer.clocks["resolve"].deadline == FRIDAY_10 + timedelta(hours=2)
    # The old ticket goes on under version 1: its feedback clock starts with the 48 h target.
    ticket.acknowledge(at=utc(2026, 11, 20, 10, 5), actor="a", ctx=CTX)
    ticket.investigate(at=utc(2026, 11, 20, 10, 30), actor="a", ctx=CTX, department="quality")
    ticket.propose_solution(
        at=utc(2026, 11, 20, 11), actor="a", ctx=CTX, remedy="replace", solution="new batch"
    )
    ticket.resolve(at=utc(2026, 11, 20, 12), actor="a", ctx=CTX, root_cause="packing")
    assert ticket.policy_version == 1
    assert ticket.clocks["feedback"].budget == timedelta(hours=48)


def test_warning_thresholds_are_configurable() -> None:
    policy = SlaPolicy(
        version=3,
        rules=(PolicyRule(targets={"respond": ClockTarget(100, "minutes")}),),
        warning_thresholds=(50,),
    )
    ticket = file(policy=policy)
    ticket.process_due(now=FRIDAY_10 + timedelta(minutes=50), ctx=CTX)
    assert [w.threshold for w in events_of(ticket, ClockWarning)] == [50]


def test_a_product_safety_issue_gets_24_hours_to_reach_the_regulator() -> None:
    safety = file(severity=1, category="product_quality")
    regulator = safety.clocks["regulator"]
    assert (regulator.deadline, regulator.target.calendar) == (
        FRIDAY_10 + timedelta(hours=24),
        None,
    )
    assert "regulator" not in file(severity=2, category="product_quality").clocks
    assert "regulator" not in file(severity=1, category="delivery").clocks

    safety.report_to_regulator(
        at=FRIDAY_10 + timedelta(hours=20), actor="qa-1", ctx=CTX, reference="NMPA-2026-117"
    )
    assert (regulator.state, regulator.outcome) == ("stopped", "met")
    assert safety.history[-2].detail == {"reference": "NMPA-2026-117"}
    with pytest.raises(InvalidTransition, match="already recorded"):
        safety.report_to_regulator(
            at=FRIDAY_10 + timedelta(hours=21), actor="qa-1", ctx=CTX, reference="again"
        )


def test_a_late_report_to_the_regulator_is_a_breach_and_other_tickets_cannot_report() -> None:
    safety = file(severity=1, category="product_quality")
    safety.process_due(now=FRIDAY_10 + timedelta(hours=24), ctx=CTX)
    assert [b.clock for b in events_of(safety, ClockBreached)].count("regulator") == 1
    safety.report_to_regulator(
        at=FRIDAY_10 + timedelta(hours=30), actor="qa-1", ctx=CTX, reference="late"
    )
    assert safety.clocks["regulator"].outcome == "breached"
    with pytest.raises(InvalidInput, match="no regulator clock"):
        file(severity=3).report_to_regulator(
            at=FRIDAY_10, actor="qa-1", ctx=CTX, reference="NMPA-1"
        )
    with pytest.raises(InvalidInput, match="reference is required"):
        file(severity=1, category="product_quality").report_to_regulator(
            at=FRIDAY_10, actor="qa-1", ctx=CTX, reference=" "
        )


def test_a_running_clock_past_its_deadline_has_breached_before_it_is_recorded() -> None:
    respond = file(severity=1).clocks["respond"]
    deadline = FRIDAY_10 + timedelta(minutes=15)
    assert respond.breached_at_as_of(deadline - timedelta(microseconds=1)) is None
    assert respond.breached_at is None
    assert respond.breached_at_as_of(deadline + timedelta(seconds=1)) == deadline

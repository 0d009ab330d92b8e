"""The ticket's flow: allowed steps, refused steps (ticket unchanged), history, reopen, returns."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from complaints.domain.calendar import BusinessCalendar, WorkingPeriod
from complaints.domain.errors import InvalidInput, InvalidTransition
from complaints.domain.events import (
    ClockMet,
    TicketAcknowledged,
    TicketAssigned,
    TicketClosed,
    TicketFiled,
    TicketReopened,
    TicketResolved,
)
from complaints.domain.policy import default_policy
from complaints.domain.tickets import AccountView, SlaContext, Ticket

ALWAYS_OPEN = BusinessCalendar("default", "UTC", ((WorkingPeriod(0, 1440),),) * 7)
CTX = SlaContext(calendars={"default": ALWAYS_OPEN}, ops_escalation_after=timedelta(hours=1))
T0 = datetime(2026, 11, 20, 10, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def new_ticket(category: str = "product_quality") -> Ticket:
    return Ticket.file(
        ticket_id="T-9",
        account=AccountView("C-9", "Acme", None, False),
        contact="Mr Wang",
        channel="email",
        category=category,
        severity=3,
        description="late delivery",
        order_refs=("SO-9", " "),
        policy=default_policy(),
        ctx=CTX,
        at=T0,
        actor="agent-1",
    )


def walk_to_closed(ticket: Ticket) -> None:
    ticket.acknowledge(at=at(5), actor="agent-1", ctx=CTX)
    ticket.assign(at=at(6), actor="lead", ctx=CTX, department="logistics", handler="h-7")
    ticket.investigate(at=at(20), actor="h-7", ctx=CTX)
    ticket.propose_solution(
        at=at(60), actor="h-7", ctx=CTX, remedy="compensation", solution="credit note"
    )
    ticket.resolve(at=at(90), actor="h-7", ctx=CTX, root_cause="carrier delay")
    ticket.follow_up(at=at(120), actor="agent-1", ctx=CTX, note="customer informed")
    ticket.close(at=at(130), actor="agent-1", ctx=CTX, satisfaction=4)


def test_the_whole_flow_with_history_and_events() -> None:
    ticket = new_ticket()
    walk_to_closed(ticket)
    assert ticket.status == "closed"
    assert ticket.order_refs == ("SO-9",)
    actions = [entry.action for entry in ticket.history if entry.actor != "system"]
    assert actions == [
        "filed",
        "acknowledged",
        "assigned",
        "investigating",
        "solution_proposed",
        "resolved",
        "followed_up",
        "closed",
    ]
    assigned = next(entry for entry in ticket.history if entry.action == "assigned")
    assert (assigned.actor, assigned.at, dict(assigned.detail)) == (
        "lead",
        at(6),
        {"department": "logistics", "handler": "h-7"},
    )
    kinds = [type(event) for event in ticket.events if not isinstance(event, ClockMet)]
    assert kinds == [
        TicketFiled,
        TicketAcknowledged,
        TicketAssigned,
        TicketResolved,
        TicketClosed,
    ]
    met = {event.clock for event in ticket.events if isinstance(event, ClockMet)}
    assert met == {"respond", "confirm", "resolve", "feedback"}
    assert all(clock.state == "stopped" for clock in ticket.clocks.values())


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        ("resolve", {"root_cause": "x"}),
        ("close", {"satisfaction": 5}),
        ("reopen", {"reason": "x"}),
        ("follow_up", {"note": "x"}),
        ("propose_solution", {"remedy": "refund", "solution": "x"}),
    ],
)
def test_a_step_out_of_order_is_refused_and_changes_nothing(step: str, kwargs: dict) -> None:
    ticket = new_ticket()
    before = copy.deepcopy(ticket)
    with pytest.raises(InvalidTransition, match=r"cannot .* received"):
        getattr(ticket, step)(at=at(1), actor="a", ctx=CTX, **kwargs)
    assert ticket == before
    assert ticket.history == before.history and ticket.events == before.events


def test_investigating_needs_a_department() -> None:
    ticket = new_ticket()
    ticket.acknowledge(at=at(1), actor="a", ctx=CTX)
    with pytest.raises(InvalidInput, match="department"):
        ticket.investigate(at=at(2), actor="a", ctx=CTX)
    ticket.investigate(at=at(2), actor="a", ctx=CTX, department="quality")
    assert ticket.status == "investigating"


def test_bad_values_are_refused() -> None:
    ticket = new_ticket()
    with pytest.raises(InvalidInput, match="department must be one of"):
        ticket.assign(at=at(1), actor="a", ctx=CTX, department="marketing", handler=None)
    with pytest.raises(InvalidInput, match="severity"):
        Ticket.file(
            ticket_id="T-0",
            account=AccountView("C-0", "X", None, False),
            contact="c",
            channel="email",
            category="price",
            severity=4,
            description="d",
            order_refs=(),
            policy=default_policy(),
            ctx=CTX,
            at=T0,
            actor="a",
        )


def test_a_closed_ticket_reopens_with_a_new_resolve_cycle() -> None:
    ticket = new_ticket()
    walk_to_closed(ticket)
    ticket.reopen(at=at(200), actor="agent-1", ctx=CTX, reason="defect is back")
    assert ticket.status == "investigating"
    assert ticket.reopen_count == 1
    resolve = ticket.clocks["resolve"]
    assert (resolve.state, resolve.cycle, resolve.started_at) == ("running", 1, at(200))
    assert ticket.clocks["feedback"].state == "pending"
    assert ticket.clocks["respond"].state == "stopped"
    assert isinstance(ticket.events[-1], TicketReopened)


def test_solution_rejected_goes_back_to_investigating() -> None:
    ticket = new_ticket()
    ticket.acknowledge(at=at(1), actor="a", ctx=CTX)
    ticket.investigate(at=at(2), actor="a", ctx=CTX, department="sales")
    ticket.propose_solution(at=at(3), actor="a", ctx=CTX, remedy="refund", solution="refund")
    ticket.reject_solution(at=at(4), actor="a", ctx=CTX, reason="wants a replacement")
    assert ticket.status == "investigating"


def test_the_returns_steps_run_in_order() -> None:
    ticket = new_ticket(category="returns")
    with pytest.raises(InvalidTransition, match="return reviewed must come first"):
        ticket.record_goods_received(at=at(1), actor="a", ctx=CTX)
    ticket.review_return(at=at(2), actor="a", ctx=CTX, remedy="refund")
    ticket.record_goods_received(at=at(3), actor="a", ctx=CTX)
    refund = ticket.clocks["refund"]
    assert refund.state == "running" and refund.deadline == at(3) + timedelta(days=7)
    ticket.record_refund_paid(at=at(4), actor="a", ctx=CTX)
    assert refund.outcome == "met"
    with pytest.raises(InvalidTransition, match="already recorded"):
        ticket.record_refund_paid(at=at(5), actor="a", ctx=CTX)


def test_return_steps_on_other_categories_are_refused() -> None:
    ticket = new_ticket()
    with pytest.raises(InvalidTransition, match="category returns"):
        ticket.review_return(at=at(1), actor="a", ctx=CTX, remedy="refund")

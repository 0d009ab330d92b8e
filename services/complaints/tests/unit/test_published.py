"""Domain events as published: every clock can be named in the contract, and a time-driven
event's id is derived from what it is (ticket, clock, cycle, threshold or level)."""

from datetime import UTC, datetime
from typing import get_args

from complaints.adapters.published import event_id, timed_event_id
from complaints.domain.events import ClockBreached, ClockWarning, TicketEscalated, TicketFiled
from complaints.domain.policy import CLOCK_NAMES
from complaints.domain.tickets import Ticket
from contracts import complaints_v1

AT = datetime(2026, 11, 20, 10, tzinfo=UTC)


def ticket(ticket_id: str) -> Ticket:
    return Ticket(
        id=ticket_id,
        account_id="C-1",
        contact="Ms Li",
        channel="hotline",
        category="service",
        severity=2,
        description="late",
        order_refs=(),
        policy_version=1,
        tier=None,
        vip=False,
        opened_at=AT,
        opened_by="agent-1",
    )


def test_every_clock_of_the_domain_can_be_published() -> None:
    assert set(CLOCK_NAMES) == set(get_args(complaints_v1.ClockName))


def test_a_time_driven_event_has_the_same_id_however_often_it_is_computed() -> None:
    one, other = ticket("CMP-1"), ticket("CMP-2")
    breach = ClockBreached("respond", 0, AT, AT)
    assert timed_event_id(one, breach) == timed_event_id(one, ClockBreached("respond", 0, AT, AT))
    distinct = {
        timed_event_id(one, breach),
        timed_event_id(other, breach),
        timed_event_id(one, ClockBreached("respond", 1, AT, AT)),
        timed_event_id(one, ClockBreached("confirm", 0, AT, AT)),
        timed_event_id(one, ClockWarning("respond", 0, 75, AT, AT)),
        timed_event_id(one, ClockWarning("respond", 0, 90, AT, AT)),
        timed_event_id(one, TicketEscalated(1, "respond", AT, 0)),
        timed_event_id(one, TicketEscalated(2, "respond", AT, 0)),
        timed_event_id(one, TicketEscalated(1, "respond", AT, 1)),
    }
    assert len(distinct) == 9
    # Other events get a fresh id when published.
    assert event_id(one, TicketFiled(AT, "agent-1")) is None

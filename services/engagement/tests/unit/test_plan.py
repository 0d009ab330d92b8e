"""A plan item's states: what each action does, which states forbid it, missed after the
window."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from engagement.domain.events import (
    ItemCancelled,
    ItemConfirmed,
    ItemDone,
    ItemMissed,
    ItemPlanned,
    ItemRescheduled,
)
from engagement.domain.follow_ups import retention_visit
from engagement.domain.plan import ActionNotAllowed, InvalidItem, ItemState, PlanItem

AT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 12, 2)


def planned(due_on: date = TODAY, window_end: date = date(2026, 12, 4)) -> PlanItem:
    return PlanItem.plan(
        item_id="PLN-1",
        account_id="C-1",
        owner="AM-1",
        kind="visit",
        origin="cadence",
        due_on=due_on,
        window_end=window_end,
        at=AT,
    )


def in_state(state: ItemState) -> PlanItem:
    return PlanItem(
        item_id="PLN-1",
        account_id="C-1",
        owner="AM-1",
        kind="visit",
        origin="cadence",
        due_on=TODAY,
        window_start=TODAY,
        window_end=date(2026, 12, 4),
        state=state,
    )


def move(item: PlanItem, to: date = date(2026, 12, 9)) -> None:
    item.reschedule(
        to=to,
        requested_by="customer",
        reason="customer_request",
        actor="AM-1",
        at=AT,
        today=TODAY,
        account_count=1,
    )


ACTIONS: dict[str, Callable[[PlanItem], None]] = {
    "confirm": lambda item: item.confirm(actor="AM-1", at=AT),
    "reschedule": move,
    "complete": lambda item: item.complete(visit_id="VIS-1", on=TODAY, at=AT),
    "cancel": lambda item: item.cancel(
        by="customer", reason="customer_cancelled", actor="AM-1", at=AT
    ),
    "miss": lambda item: item.miss(at=AT),
}
# The state each action leads to, and the states that allow it.
ALLOWED: dict[str, tuple[ItemState, tuple[ItemState, ...]]] = {
    "confirm": ("confirmed", ("planned", "rescheduled")),
    "reschedule": ("rescheduled", ("planned", "confirmed", "rescheduled", "missed")),
    "complete": ("done", ("planned", "confirmed", "rescheduled", "missed")),
    "cancel": ("cancelled", ("planned", "confirmed", "rescheduled", "missed")),
    "miss": ("missed", ("planned", "confirmed", "rescheduled")),
}
STATES: tuple[ItemState, ...] = (
    "planned",
    "confirmed",
    "done",
    "missed",
    "rescheduled",
    "cancelled",
)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_each_action_from_each_state(action: str, state: ItemState) -> None:
    item = in_state(state)
    to, allowed_from = ALLOWED[action]
    if state in allowed_from:
        ACTIONS[action](item)
        assert item.state == to
    else:
        with pytest.raises(ActionNotAllowed):
            ACTIONS[action](item)
        assert item.state == state and item.events == []


def test_a_planned_item_records_what_happens_to_it() -> None:
    item = planned()
    ACTIONS["confirm"](item)
    ACTIONS["reschedule"](item)
    ACTIONS["complete"](item)
    assert [type(event) for event in item.events] == [
        ItemPlanned,
        ItemConfirmed,
        ItemRescheduled,
        ItemDone,
    ]
    assert (item.visit_id, item.done_at, item.reschedule_count) == ("VIS-1", AT, 1)


def test_an_item_is_missed_only_after_its_window_and_only_once() -> None:
    item = planned()
    assert not item.overdue(date(2026, 12, 4))
    assert item.overdue(date(2026, 12, 5))
    item.miss(at=AT)
    assert item.state == "missed" and isinstance(item.events[-1], ItemMissed)
    assert not item.overdue(date(2026, 12, 6))


def test_a_retention_visit_not_done_within_seven_days_is_missed_the_eighth() -> None:
    due_on, window_end = retention_visit(at_risk_on=TODAY)
    item = planned(due_on=due_on, window_end=window_end)
    assert not item.overdue(TODAY + timedelta(days=7))
    assert item.overdue(TODAY + timedelta(days=8))


def test_a_missed_item_done_late_is_not_on_time() -> None:
    item = planned()
    item.miss(at=AT)
    item.complete(visit_id="VIS-1", on=date(2026, 12, 6), at=AT)
    assert item.events[-1] == ItemDone(at=AT, on_time=False)


def test_done_within_the_window_is_on_time() -> None:
    item = planned()
    item.complete(visit_id="VIS-1", on=date(2026, 12, 4), at=AT)
    assert item.events[-1] == ItemDone(at=AT, on_time=True)


def test_a_rescheduled_item_keeps_its_window_length() -> None:
    item = planned()
    move(item)
    assert (item.due_on, item.window_start, item.window_end) == (
        date(2026, 12, 9),
        date(2026, 12, 9),
        date(2026, 12, 11),
    )
    assert item.events[-1] == ItemRescheduled(
        at=AT,
        actor="AM-1",
        previous_due_on=TODAY,
        requested_by="customer",
        reason="customer_request",
        account_count=1,
    )


def test_an_item_cannot_be_moved_into_the_past_or_onto_its_own_day() -> None:
    item = planned()
    with pytest.raises(InvalidItem):
        move(item, TODAY - timedelta(days=1))
    with pytest.raises(InvalidItem):
        move(item, TODAY)
    assert item.state == "planned"


def test_a_missed_item_may_be_moved_to_today() -> None:
    item = planned(due_on=date(2026, 11, 30), window_end=date(2026, 12, 1))
    item.miss(at=AT)
    move(item, TODAY)
    assert (item.state, item.due_on, item.window_end) == ("rescheduled", TODAY, date(2026, 12, 3))


def test_a_cancellation_says_who_and_what_replaces_it() -> None:
    item = planned()
    item.cancel(by="us", reason="merged", actor=None, at=AT, replaced_by="PLN-2")
    assert (item.cancelled_by, item.replaced_by) == ("us", "PLN-2")
    assert item.events[-1] == ItemCancelled(at=AT, actor=None, by="us", reason="merged")


def test_a_due_day_outside_its_window_is_refused() -> None:
    with pytest.raises(InvalidItem):
        planned(due_on=date(2026, 12, 5), window_end=date(2026, 12, 4))

"""A plan item's life (missed after its window, actions its state forbids) and care touches."""

from datetime import UTC, date, datetime

import pytest

from engagement.domain.calendar import CHINA_PUBLIC_HOLIDAYS
from engagement.domain.care import care_touch, holiday_greetings
from engagement.domain.plan import ActionNotAllowed, PlanItem

AT = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def item(due_on: date = date(2026, 12, 2), window_end: date = date(2026, 12, 4)) -> PlanItem:
    return PlanItem.plan(
        item_id="PI-1",
        account_id="C-1",
        owner="AM-1",
        kind="visit",
        origin="cadence",
        due_on=due_on,
        window_end=window_end,
        at=AT,
    )


def test_an_item_is_overdue_only_after_its_window() -> None:
    planned = item()
    assert not planned.overdue(date(2026, 12, 4))
    assert planned.overdue(date(2026, 12, 5))
    planned.miss(at=AT)
    assert planned.state == "missed"
    assert not planned.overdue(date(2026, 12, 6))  # missed once, not again


def test_a_cancelled_item_cannot_be_confirmed_or_missed() -> None:
    cancelled = item()
    cancelled.cancel(by="customer", reason="customer_cancelled", actor="AM-1", at=AT)
    with pytest.raises(ActionNotAllowed):
        cancelled.confirm(actor="AM-1", at=AT)
    with pytest.raises(ActionNotAllowed):
        cancelled.miss(at=AT)


def test_a_birthday_is_touched_three_days_ahead() -> None:
    assert care_touch(month=12, day=10, today=date(2026, 12, 2), horizon_end=date(2027, 1, 27)) == (
        date(2026, 12, 7),
        date(2026, 12, 10),
    )


def test_a_29_february_birthday_is_kept_on_28_february_in_a_common_year() -> None:
    assert care_touch(month=2, day=29, today=date(2027, 2, 1), horizon_end=date(2027, 3, 29)) == (
        date(2027, 2, 25),
        date(2027, 2, 28),
    )


def test_a_date_beyond_the_horizon_is_not_planned_yet() -> None:
    assert (
        care_touch(month=6, day=1, today=date(2026, 12, 2), horizon_end=date(2027, 1, 27)) is None
    )


def test_a_holiday_of_several_days_gets_one_greeting_before_its_first_day() -> None:
    greetings = holiday_greetings(
        holidays=list(CHINA_PUBLIC_HOLIDAYS), today=date(2026, 9, 1), horizon_end=date(2026, 10, 27)
    )
    assert [(h.name, due, on) for h, due, on in greetings] == [
        ("Mid-Autumn Festival", date(2026, 9, 22), date(2026, 9, 25)),
        ("National Day", date(2026, 9, 28), date(2026, 10, 1)),
    ]

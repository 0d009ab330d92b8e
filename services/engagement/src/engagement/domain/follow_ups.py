"""Automatic follow-ups and their windows (DOMAIN.md §2): the 3+3+3 calls after an account's
first order, the call after a resolved complaint, the retention visit of an account gone at risk
and the win-back call of a dormant one. Each is planned once per trigger (decision 0013)."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Literal, NamedTuple

from engagement.domain.calendar import WorkingCalendar, add_months

FirstOrderOrigin = Literal["first_order_3d", "first_order_3w", "first_order_3m"]


class FirstOrderStep(NamedTuple):
    """One of the calls after a first order: how long after it (days, weeks and calendar
    months) and how many days after its due day it is still on time."""

    days: int = 0
    weeks: int = 0
    months: int = 0
    window_days: int = 0


# The handbook's 3+3+3 (the defaults of `ENGAGEMENT_FIRST_ORDER_*`).
FIRST_ORDER_STEPS: Mapping[FirstOrderOrigin, FirstOrderStep] = {
    "first_order_3d": FirstOrderStep(days=3, window_days=2),
    "first_order_3w": FirstOrderStep(weeks=3, window_days=4),
    "first_order_3m": FirstOrderStep(months=3, window_days=7),
}


class FollowUp(NamedTuple):
    """When a follow-up is due, and the last day it is on time."""

    due_on: date
    window_end: date


class FirstOrderCall(NamedTuple):
    origin: FirstOrderOrigin
    due_on: date
    window_end: date


def first_order_calls(
    first_order_on: date, *, steps: Mapping[FirstOrderOrigin, FirstOrderStep] = FIRST_ORDER_STEPS
) -> list[FirstOrderCall]:
    """The calls after an account's first order, by default the handbook's 3+3+3: 3 days,
    3 weeks and 3 calendar months after it (30 November + 3 months is 28 February)."""
    calls = []
    for origin, step in steps.items():
        day = add_months(first_order_on, step.months) + timedelta(days=step.days, weeks=step.weeks)
        calls.append(FirstOrderCall(origin, day, day + timedelta(days=step.window_days)))
    return calls


def complaint_follow_up(
    *, resolved_on: date, calendar: WorkingCalendar, within_working_days: int = 2
) -> FollowUp:
    """The call closing a complaint's loop: due the next working day after the resolution, on
    time until the `within_working_days`-th (weekends and holidays skipped, make-up working
    days counted)."""
    if within_working_days < 1:
        raise ValueError(f"within_working_days must be at least 1, not {within_working_days}")
    return FollowUp(
        calendar.add_working_days(resolved_on, 1),
        calendar.add_working_days(resolved_on, within_working_days),
    )


def retention_visit(*, at_risk_on: date, within_days: int = 7) -> FollowUp:
    """The visit to an account gone at risk: from the next day, within `within_days` days."""
    return _within(at_risk_on, within_days)


def win_back_call(*, dormant_on: date, within_days: int = 14) -> FollowUp:
    """The call to an account gone dormant: from the next day, within `within_days` days."""
    return _within(dormant_on, within_days)


def _within(on: date, days: int) -> FollowUp:
    if days < 1:
        raise ValueError(f"a follow-up needs at least 1 day, not {days}")
    return FollowUp(on + timedelta(days=1), on + timedelta(days=days))

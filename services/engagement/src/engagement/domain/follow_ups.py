"""Automatic follow-ups: the 3+3+3 calls after a first order, after a resolved complaint, retention and win-back."""

from datetime import date, timedelta

from engagement.domain.cadence import _add_months
from engagement.domain.calendar import WorkingCalendar
from engagement.domain.plan import Origin


def first_order_calls(first_order_on: date) -> list[tuple[Origin, date, date]]:
    three_days = first_order_on + timedelta(days=3)
    three_weeks = first_order_on + timedelta(weeks=3)
    three_months = _add_months(first_order_on, 3)
    return [
        ("first_order_3d", three_days, three_days + timedelta(days=2)),
        ("first_order_3w", three_weeks, three_weeks + timedelta(days=4)),
        ("first_order_3m", three_months, three_months + timedelta(days=7)),
    ]


def complaint_follow_up(
    *, resolved_on: date, calendar: WorkingCalendar, within_working_days: int = 2
) -> tuple[date, date]:
    return calendar.add_working_days(resolved_on, 1), calendar.add_working_days(
        resolved_on, within_working_days
    )


def retention_visit(*, at_risk_on: date, within_days: int = 7) -> tuple[date, date]:
    return at_risk_on + timedelta(days=1), at_risk_on + timedelta(days=within_days)


def win_back_call(*, dormant_on: date, within_days: int = 14) -> tuple[date, date]:
    return dormant_on + timedelta(days=1), dormant_on + timedelta(days=within_days)

"""The automatic follow-ups' due days and windows: 3+3+3 after a first order, a resolved
complaint, retention and win-back."""

from datetime import date

import pytest

from engagement.bootstrap import bootstrap
from engagement.config import EngagementSettings
from engagement.domain.calendar import Holiday, WorkingCalendar, china_calendar
from engagement.domain.follow_ups import (
    FIRST_ORDER_STEPS,
    FirstOrderCall,
    FirstOrderStep,
    FollowUp,
    complaint_follow_up,
    first_order_calls,
    retention_visit,
    win_back_call,
)


def test_three_calls_three_days_three_weeks_and_three_months_after_the_first_order() -> None:
    assert first_order_calls(date(2026, 12, 2)) == [
        FirstOrderCall("first_order_3d", date(2026, 12, 5), date(2026, 12, 7)),
        FirstOrderCall("first_order_3w", date(2026, 12, 23), date(2026, 12, 27)),
        FirstOrderCall("first_order_3m", date(2027, 3, 2), date(2027, 3, 9)),
    ]


@pytest.mark.parametrize(
    ("first_order_on", "three_months"),
    [
        (date(2026, 11, 30), date(2027, 2, 28)),
        (date(2027, 11, 30), date(2028, 2, 29)),
        (date(2028, 1, 31), date(2028, 4, 30)),
        (date(2026, 12, 31), date(2027, 3, 31)),
    ],
)
def test_three_months_are_calendar_months(first_order_on: date, three_months: date) -> None:
    assert first_order_calls(first_order_on)[2].due_on == three_months


def test_the_3_3_3_delays_and_windows_are_configurable() -> None:
    calls = first_order_calls(
        date(2026, 12, 2),
        steps={
            "first_order_3d": FirstOrderStep(days=2, window_days=0),
            "first_order_3w": FirstOrderStep(weeks=4, window_days=1),
            "first_order_3m": FirstOrderStep(months=6, window_days=14),
        },
    )
    assert calls == [
        FirstOrderCall("first_order_3d", date(2026, 12, 4), date(2026, 12, 4)),
        FirstOrderCall("first_order_3w", date(2026, 12, 30), date(2026, 12, 31)),
        FirstOrderCall("first_order_3m", date(2027, 6, 2), date(2027, 6, 16)),
    ]


def test_the_settings_default_to_the_handbooks_3_3_3_and_follow_up_windows() -> None:
    settings = EngagementSettings()
    plan = bootstrap(settings).plan
    assert plan.first_order_steps == FIRST_ORDER_STEPS
    assert (
        (settings.first_order_3d_days, settings.first_order_3d_window_days),
        (settings.first_order_3w_weeks, settings.first_order_3w_window_days),
        (settings.first_order_3m_months, settings.first_order_3m_window_days),
    ) == ((3, 2), (3, 4), (3, 7))
    assert (plan.complaint_follow_up_working_days, plan.retention_within_days) == (2, 7)


def test_the_3_3_3_comes_from_the_settings() -> None:
    settings = EngagementSettings(first_order_3w_weeks=4, first_order_3m_window_days=10)
    steps = bootstrap(settings).plan.first_order_steps
    assert steps["first_order_3w"] == FirstOrderStep(weeks=4, window_days=4)
    assert steps["first_order_3m"] == FirstOrderStep(months=3, window_days=10)


def test_a_complaint_resolved_on_friday_is_followed_up_monday_within_tuesday() -> None:
    follow_up = complaint_follow_up(resolved_on=date(2026, 12, 4), calendar=china_calendar())
    assert follow_up == FollowUp(date(2026, 12, 7), date(2026, 12, 8))


def test_a_complaint_resolved_before_a_holiday_and_a_weekend_is_followed_up_after_both() -> None:
    # Thursday 24 September 2026; the Mid-Autumn Festival is Friday 25 to Sunday 27.
    follow_up = complaint_follow_up(resolved_on=date(2026, 9, 24), calendar=china_calendar())
    assert follow_up == FollowUp(date(2026, 9, 28), date(2026, 9, 29))


def test_a_complaint_resolved_before_national_day_is_followed_up_after_it() -> None:
    # Wednesday 30 September 2026; 1-7 October are off.
    follow_up = complaint_follow_up(resolved_on=date(2026, 9, 30), calendar=china_calendar())
    assert follow_up == FollowUp(date(2026, 10, 8), date(2026, 10, 9))


def test_a_make_up_saturday_counts_as_a_working_day() -> None:
    # Friday 13 February 2026: Saturday 14 is worked, 15-23 are the Spring Festival.
    follow_up = complaint_follow_up(resolved_on=date(2026, 2, 13), calendar=china_calendar())
    assert follow_up == FollowUp(date(2026, 2, 14), date(2026, 2, 24))


def test_the_working_days_and_the_calendar_are_configuration() -> None:
    company = WorkingCalendar.of([Holiday(date(2026, 12, 7), "Founders' Day")], [])
    follow_up = complaint_follow_up(
        resolved_on=date(2026, 12, 4), calendar=company, within_working_days=3
    )
    assert follow_up == FollowUp(date(2026, 12, 8), date(2026, 12, 10))
    with pytest.raises(ValueError):
        complaint_follow_up(resolved_on=date(2026, 12, 4), calendar=company, within_working_days=0)


def test_a_retention_visit_within_seven_days_of_going_at_risk() -> None:
    assert retention_visit(at_risk_on=date(2026, 12, 2)) == FollowUp(
        date(2026, 12, 3), date(2026, 12, 9)
    )
    assert retention_visit(at_risk_on=date(2026, 12, 2), within_days=3).window_end == date(
        2026, 12, 5
    )


def test_a_win_back_call_within_fourteen_days_of_going_dormant() -> None:
    assert win_back_call(dormant_on=date(2026, 12, 28)) == FollowUp(
        date(2026, 12, 29), date(2027, 1, 11)
    )
    with pytest.raises(ValueError):
        win_back_call(dormant_on=date(2026, 12, 28), within_days=0)

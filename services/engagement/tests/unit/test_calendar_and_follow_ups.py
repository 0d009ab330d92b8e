"""Working days on China's calendar, and the dates of the automatic follow-ups."""

from datetime import date

from engagement.domain.calendar import china_calendar
from engagement.domain.follow_ups import complaint_follow_up, first_order_calls, retention_visit


def test_the_spring_festival_and_its_make_up_saturdays() -> None:
    calendar = china_calendar()
    assert not calendar.is_working_day(date(2026, 2, 16))
    assert calendar.is_working_day(date(2026, 2, 14))  # a Saturday worked instead
    assert calendar.is_working_day(date(2026, 2, 24))
    assert not calendar.is_working_day(date(2026, 2, 22))


def test_three_calls_three_days_three_weeks_and_three_months_after_the_first_order() -> None:
    calls = first_order_calls(date(2026, 11, 30))
    assert [(origin, due) for origin, due, _ in calls] == [
        ("first_order_3d", date(2026, 12, 3)),
        ("first_order_3w", date(2026, 12, 21)),
        ("first_order_3m", date(2027, 2, 28)),
    ]
    assert all(window_end > due for _, due, window_end in calls)


def test_a_complaint_resolved_before_national_day_is_followed_up_after_it() -> None:
    # Resolved on Wednesday 30 September 2026; 1-7 October are off, Saturday 10 October is worked.
    due, window_end = complaint_follow_up(resolved_on=date(2026, 9, 30), calendar=china_calendar())
    assert (due, window_end) == (date(2026, 10, 8), date(2026, 10, 9))


def test_a_complaint_resolved_on_friday_is_followed_up_monday_and_tuesday() -> None:
    due, window_end = complaint_follow_up(resolved_on=date(2026, 12, 4), calendar=china_calendar())
    assert (due, window_end) == (date(2026, 12, 7), date(2026, 12, 8))


def test_a_retention_visit_within_seven_days() -> None:
    due, window_end = retention_visit(at_risk_on=date(2026, 12, 2))
    assert window_end == date(2026, 12, 9) and date(2026, 12, 2) < due <= window_end

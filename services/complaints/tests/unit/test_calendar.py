"""Business-time arithmetic: overnight, weekends, holidays, daylight saving."""

from datetime import UTC, date, datetime, timedelta

import pytest

from complaints.domain.calendar import WALL_TIME, BusinessCalendar, WorkingPeriod
from complaints.domain.errors import InvalidInput

NINE_TO_FIVE = (WorkingPeriod.parse("09:00-17:00"),)
WEEKDAYS_ONLY = (NINE_TO_FIVE,) * 5 + ((), ())


def calendar(
    zone: str = "UTC",
    week: tuple[tuple[WorkingPeriod, ...], ...] = WEEKDAYS_ONLY,
    holidays: frozenset[date] = frozenset(),
) -> BusinessCalendar:
    return BusinessCalendar("office", zone, week, holidays)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# 2026-11-20 is a Friday.
FRIDAY = (2026, 11, 20)


def test_adding_within_one_working_day() -> None:
    assert calendar().add(utc(*FRIDAY, 10), timedelta(hours=2)) == utc(*FRIDAY, 12)


def test_a_span_runs_overnight_to_the_next_morning() -> None:
    # Thursday 16:00 + 3 h = 1 h Thursday, 2 h Friday from 09:00.
    assert calendar().add(utc(2026, 11, 19, 16), timedelta(hours=3)) == utc(*FRIDAY, 11)


def test_a_span_skips_the_weekend() -> None:
    # Friday 15:00 + 4 h = 2 h Friday, 2 h Monday.
    assert calendar().add(utc(*FRIDAY, 15), timedelta(hours=4)) == utc(2026, 11, 23, 11)


def test_a_start_outside_hours_counts_from_the_next_opening() -> None:
    assert calendar().add(utc(2026, 11, 21, 20), timedelta(minutes=15)) == utc(2026, 11, 23, 9, 15)


def test_a_span_ending_exactly_at_closing_time_ends_at_closing_time() -> None:
    assert calendar().add(utc(*FRIDAY, 9), timedelta(hours=8)) == utc(*FRIDAY, 17)


def test_holidays_are_closed() -> None:
    office = calendar(holidays=frozenset({date(2026, 11, 23)}))
    assert office.add(utc(*FRIDAY, 15), timedelta(hours=4)) == utc(2026, 11, 24, 11)
    assert office.elapsed(utc(*FRIDAY, 15), utc(2026, 11, 24, 11)) == timedelta(hours=4)


def test_elapsed_counts_only_open_time() -> None:
    office = calendar()
    assert office.elapsed(utc(*FRIDAY, 15), utc(2026, 11, 23, 11)) == timedelta(hours=4)
    assert office.elapsed(utc(2026, 11, 21, 1), utc(2026, 11, 22, 23)) == timedelta(0)
    assert office.elapsed(utc(*FRIDAY, 12), utc(*FRIDAY, 11)) == timedelta(0)


def test_several_periods_a_day_skip_the_lunch_break() -> None:
    split = (WorkingPeriod.parse("09:00-12:00"), WorkingPeriod.parse("13:00-18:00"))
    office = calendar(week=(split,) * 5 + ((), ()))
    assert office.add(utc(*FRIDAY, 11), timedelta(hours=2)) == utc(*FRIDAY, 14)
    assert office.elapsed(utc(*FRIDAY, 11), utc(*FRIDAY, 14)) == timedelta(hours=2)


def test_working_hours_are_read_in_the_calendar_time_zone() -> None:
    shanghai = calendar("Asia/Shanghai")
    # 09:00 in Shanghai is 01:00 UTC.
    assert shanghai.add(utc(*FRIDAY, 0), timedelta(minutes=30)) == utc(*FRIDAY, 1, 30)


def test_daylight_saving_spring_forward_in_berlin() -> None:
    # 2026-03-29: Berlin jumps from 02:00 CET to 03:00 CEST; the day has 23 hours.
    round_the_clock = calendar("Europe/Berlin", week=((WorkingPeriod(0, 1440),),) * 7)
    day_start = utc(2026, 3, 28, 23)  # 00:00 CET
    next_day_start = utc(2026, 3, 29, 22)  # 00:00 CEST
    assert round_the_clock.elapsed(day_start, next_day_start) == timedelta(hours=23)
    # Office hours after the change: 09:00 CEST is 07:00 UTC (the day before it was 08:00 UTC).
    berlin = calendar("Europe/Berlin", week=(NINE_TO_FIVE,) * 7)
    assert berlin.add(utc(2026, 3, 28, 15, 30), timedelta(hours=1)) == utc(2026, 3, 29, 7, 30)


def test_daylight_saving_fall_back_in_berlin() -> None:
    # 2026-10-25: 03:00 CEST becomes 02:00 CET; the day has 25 hours.
    round_the_clock = calendar("Europe/Berlin", week=((WorkingPeriod(0, 1440),),) * 7)
    assert round_the_clock.elapsed(utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)) == timedelta(
        hours=25
    )
    berlin = calendar("Europe/Berlin", week=(NINE_TO_FIVE,) * 7)
    # Friday 16:30 CEST (14:30 UTC) + 1 h = 30 min Friday, then 30 min from Saturday 09:00
    # CEST (this calendar is open every day): 07:30 UTC.
    assert berlin.add(utc(2026, 10, 23, 14, 30), timedelta(hours=1)) == utc(2026, 10, 24, 7, 30)
    # Monday after the change: 09:00 CET is 08:00 UTC.
    assert berlin.add(utc(2026, 10, 25, 15, 30), timedelta(hours=1)) == utc(2026, 10, 26, 8, 30)


def test_add_and_elapsed_agree() -> None:
    office = calendar("Europe/Berlin", holidays=frozenset({date(2026, 12, 25)}))
    start = utc(2026, 12, 23, 14, 7, 3)
    for hours in (1, 7, 8, 9, 23, 40, 120):
        end = office.add(start, timedelta(hours=hours))
        assert office.elapsed(start, end) == timedelta(hours=hours)


def test_working_days_end_at_the_close_of_the_nth_working_day() -> None:
    office = calendar(holidays=frozenset({date(2026, 11, 24)}))
    # From Friday: Mon 23 (1), Tue 24 holiday, Wed 25 (2), Thu 26 (3).
    assert office.add_working_days(utc(*FRIDAY, 10), 3) == utc(2026, 11, 26, 17)


def test_wall_time_counts_everything() -> None:
    start = utc(*FRIDAY, 15)
    assert WALL_TIME.add(start, timedelta(hours=4)) == utc(*FRIDAY, 19)
    assert WALL_TIME.elapsed(start, utc(*FRIDAY, 19)) == timedelta(hours=4)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("17:00-09:00", "must start before"), ("9-5", "HH:MM"), ("09:00-25:00", "HH:MM")],
)
def test_bad_working_periods_are_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        WorkingPeriod.parse(text)


def test_a_calendar_never_open_is_refused() -> None:
    with pytest.raises(InvalidInput, match="open at least once"):
        calendar(week=((),) * 7)


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        calendar("Mars/Olympus")


def test_overlapping_periods_are_refused() -> None:
    overlapping = (WorkingPeriod.parse("09:00-12:00"), WorkingPeriod.parse("11:00-13:00"))
    with pytest.raises(InvalidInput, match="overlap"):
        calendar(week=(overlapping,) * 7)

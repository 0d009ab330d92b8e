"""China's public holidays and make-up working days, working-day arithmetic and calendar months."""

from datetime import date, timedelta

import pytest

from engagement.domain.calendar import (
    CHINA_2026,
    CHINA_2026_MAKE_UP_DAYS,
    CHINA_2027,
    CHINA_ADJUSTED_WORKING_DAYS,
    CHINA_PUBLIC_HOLIDAYS,
    Holiday,
    WorkingCalendar,
    add_months,
    china_calendar,
)

NAMES = {
    "New Year's Day",
    "Spring Festival",
    "Qingming Festival",
    "Labour Day",
    "Dragon Boat Festival",
    "Mid-Autumn Festival",
    "National Day",
}


def blocks(holidays: tuple[Holiday, ...]) -> list[tuple[str, date, date]]:
    """Each holiday's name, first and last day."""
    found: list[tuple[str, date, date]] = []
    for holiday in sorted(holidays, key=lambda h: h.on):
        if found and found[-1][0] == holiday.name and found[-1][2] == holiday.on - timedelta(1):
            found[-1] = (holiday.name, found[-1][1], holiday.on)
        else:
            found.append((holiday.name, holiday.on, holiday.on))
    return found


def test_2026_is_the_state_councils_schedule() -> None:
    assert blocks(CHINA_2026) == [
        ("New Year's Day", date(2026, 1, 1), date(2026, 1, 3)),
        ("Spring Festival", date(2026, 2, 15), date(2026, 2, 23)),
        ("Qingming Festival", date(2026, 4, 4), date(2026, 4, 6)),
        ("Labour Day", date(2026, 5, 1), date(2026, 5, 5)),
        ("Dragon Boat Festival", date(2026, 6, 19), date(2026, 6, 21)),
        ("Mid-Autumn Festival", date(2026, 9, 25), date(2026, 9, 27)),
        ("National Day", date(2026, 10, 1), date(2026, 10, 7)),
    ]
    assert {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    } == CHINA_2026_MAKE_UP_DAYS
    # Every make-up day is a Saturday or a Sunday.
    assert all(day.weekday() >= 5 for day in CHINA_2026_MAKE_UP_DAYS)


def test_2027_has_the_statutory_days_on_their_lunar_dates_and_no_make_up_days_yet() -> None:
    assert blocks(CHINA_2027) == [
        ("New Year's Day", date(2027, 1, 1), date(2027, 1, 1)),
        # New Year's Eve and the first three days of the first lunar month (6 February).
        ("Spring Festival", date(2027, 2, 5), date(2027, 2, 8)),
        ("Qingming Festival", date(2027, 4, 5), date(2027, 4, 5)),
        ("Labour Day", date(2027, 5, 1), date(2027, 5, 2)),
        ("Dragon Boat Festival", date(2027, 6, 9), date(2027, 6, 9)),
        ("Mid-Autumn Festival", date(2027, 9, 15), date(2027, 9, 15)),
        ("National Day", date(2027, 10, 1), date(2027, 10, 3)),
    ]
    assert CHINA_ADJUSTED_WORKING_DAYS == CHINA_2026_MAKE_UP_DAYS


def test_the_default_calendar_holds_both_years_each_day_once_with_its_english_name() -> None:
    days = [holiday.on for holiday in CHINA_PUBLIC_HOLIDAYS]
    assert len(days) == len(set(days)) == 33 + 13
    assert {holiday.name for holiday in CHINA_PUBLIC_HOLIDAYS} == NAMES


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 2, 13), True),  # Friday before the Spring Festival
        (date(2026, 2, 14), True),  # Saturday, a make-up working day
        (date(2026, 2, 16), False),  # Monday, New Year's Eve
        (date(2026, 2, 23), False),  # Monday, the last day off
        (date(2026, 2, 24), True),
        (date(2026, 2, 21), False),  # Saturday inside the holiday
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 1, 4), True),  # Sunday, worked for New Year's Day
        (date(2026, 10, 10), True),  # Saturday, worked for National Day
        (date(2027, 2, 5), False),  # Friday, New Year's Eve 2027
        (date(2027, 6, 9), False),  # Wednesday, the Dragon Boat Festival 2027
    ],
)
def test_working_days_on_chinas_calendar(day: date, working: bool) -> None:
    assert china_calendar().is_working_day(day) is working


def test_february_2026_has_sixteen_working_days() -> None:
    calendar = china_calendar()
    february = [date(2026, 2, 1) + timedelta(days=n) for n in range(28)]
    # 20 weekdays, 6 of them off (16-20 and 23 February), and the two make-up Saturdays.
    assert sum(calendar.is_working_day(day) for day in february) == 16


def test_adding_working_days_skips_weekends_and_holidays_and_counts_make_up_days() -> None:
    calendar = china_calendar()
    assert calendar.add_working_days(date(2026, 2, 13), 0) == date(2026, 2, 13)
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert calendar.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    with pytest.raises(ValueError):
        calendar.add_working_days(date(2026, 2, 13), -1)


def test_a_calendar_set_by_an_administrator_replaces_the_default() -> None:
    # A company day off on Monday 7 December 2026 and the Saturday before worked instead.
    calendar = WorkingCalendar.of(
        [Holiday(date(2026, 12, 7), "Founders' Day")], [date(2026, 12, 5)]
    )
    assert not calendar.is_working_day(date(2026, 12, 7))
    assert calendar.is_working_day(date(2026, 12, 5))
    assert calendar.is_working_day(date(2026, 10, 1))  # China's National Day is not in it


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 31), 2, date(2027, 3, 31)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2027, 12, 15), 1, date(2028, 1, 15)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 5, 15), 0, date(2027, 5, 15)),
    ],
)
def test_calendar_months_fall_on_the_months_last_day_when_it_is_shorter(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected

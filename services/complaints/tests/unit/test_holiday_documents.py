"""A calendar's holidays as stored: each day named in English and Chinese, the names only shown."""

from datetime import date
from typing import Any

import pytest

from complaints.adapters.documents import calendar_from_document, calendar_holidays
from complaints.domain.calendar import BusinessCalendar, HolidayName
from complaints.domain.errors import InvalidInput

WEEK = {"thursday": ["09:00-18:00"], "friday": ["09:00-18:00"]}
NATIONAL_DAY = {"date": "2026-10-01", "name": {"en": "National Day", "zh": "国庆节"}}


def calendar(*holidays: dict[str, Any]) -> BusinessCalendar:
    return calendar_from_document(
        name="office", version=1, time_zone="Asia/Shanghai", week=WEEK, holidays=holidays
    )


def test_named_holidays_close_their_days_and_come_back_in_date_order() -> None:
    office = calendar({"date": "2026-10-02", "name": {"zh": "国庆节"}}, NATIONAL_DAY)
    assert office.open_periods(date(2026, 10, 1)) == office.open_periods(date(2026, 10, 2)) == []
    assert office.holiday_names[date(2026, 10, 2)] == HolidayName(en="", zh="国庆节")
    assert calendar_holidays(office) == [
        NATIONAL_DAY,
        {"date": "2026-10-02", "name": {"en": "", "zh": "国庆节"}},
    ]


def test_a_holiday_without_a_name_still_closes_its_day() -> None:
    office = calendar({"date": "2026-10-01"})
    assert office.open_periods(date(2026, 10, 1)) == []
    assert calendar_holidays(office) == [{"date": "2026-10-01", "name": {"en": "", "zh": ""}}]


@pytest.mark.parametrize(
    "holidays",
    [
        ({"date": "2026-10-01"}, NATIONAL_DAY),
        ({"date": "10/01/2026"},),
        ({"date": "2026-10-01", "name": {"zh": "节" * 101}},),
    ],
    ids=["a day twice", "not a date", "a name too long"],
)
def test_holidays_a_calendar_cannot_have_are_refused(holidays: tuple[dict[str, Any], ...]) -> None:
    with pytest.raises(InvalidInput):
        calendar(*holidays)

"""Care touches: birthdays and anniversaries (29 February too), holiday greetings, the annual
meeting's invitation."""

from datetime import date

import pytest

from engagement.domain.calendar import CHINA_PUBLIC_HOLIDAYS, Holiday
from engagement.domain.care import (
    CareTouch,
    Invitation,
    annual_meeting_invitation,
    care_touch,
    care_trigger,
    greeting_stands,
    holiday_blocks,
    holiday_greetings,
    holiday_trigger,
    next_occurrence,
    parse_care_trigger,
    yearly_date,
)

HORIZON_END = date(2027, 1, 27)


def test_a_birthday_is_touched_three_days_ahead() -> None:
    touch = care_touch(month=12, day=10, today=date(2026, 12, 2), horizon_end=HORIZON_END)
    assert touch == CareTouch(date(2026, 12, 7), date(2026, 12, 10))


def test_the_lead_days_are_configuration() -> None:
    touch = care_touch(
        month=12, day=10, today=date(2026, 12, 2), horizon_end=HORIZON_END, lead_days=7
    )
    assert touch == CareTouch(date(2026, 12, 3), date(2026, 12, 10))


def test_a_birthday_closer_than_the_lead_is_due_today_and_one_today_still_counts() -> None:
    today = date(2026, 12, 9)
    assert care_touch(month=12, day=10, today=today, horizon_end=HORIZON_END) == CareTouch(
        today, date(2026, 12, 10)
    )
    assert care_touch(month=12, day=9, today=today, horizon_end=HORIZON_END) == CareTouch(
        today, today
    )


def test_a_birthday_just_past_is_next_years() -> None:
    touch = care_touch(month=1, day=5, today=date(2026, 1, 6), horizon_end=date(2027, 1, 31))
    assert touch == CareTouch(date(2027, 1, 2), date(2027, 1, 5))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        # A common year: the 29 February birthday is kept on 28 February.
        (date(2027, 2, 1), CareTouch(date(2027, 2, 25), date(2027, 2, 28))),
        # A leap year: on its own day.
        (date(2028, 2, 1), CareTouch(date(2028, 2, 26), date(2028, 2, 29))),
        # Its common-year day passed: the next is 29 February 2028.
        (date(2027, 3, 1), CareTouch(date(2028, 2, 26), date(2028, 2, 29))),
    ],
)
def test_a_29_february_birthday(today: date, expected: CareTouch) -> None:
    touch = care_touch(month=2, day=29, today=today, horizon_end=date(2028, 12, 31))
    assert touch == expected


def test_yearly_dates() -> None:
    assert yearly_date(2027, 2, 29) == date(2027, 2, 28)
    assert yearly_date(2028, 2, 29) == date(2028, 2, 29)
    assert next_occurrence(12, 31, date(2026, 12, 31)) == date(2026, 12, 31)
    assert next_occurrence(1, 1, date(2026, 12, 31)) == date(2027, 1, 1)


def test_a_date_beyond_the_horizon_is_not_planned_yet_and_one_on_it_is() -> None:
    assert care_touch(month=1, day=28, today=date(2026, 12, 2), horizon_end=HORIZON_END) is None
    assert care_touch(month=1, day=27, today=date(2026, 12, 2), horizon_end=HORIZON_END) == (
        CareTouch(date(2027, 1, 24), date(2027, 1, 27))
    )


def test_a_holiday_of_several_days_gets_one_greeting_before_its_first_day() -> None:
    greetings = holiday_greetings(
        holidays=CHINA_PUBLIC_HOLIDAYS, today=date(2026, 9, 1), horizon_end=date(2026, 10, 27)
    )
    assert [(g.holiday.name, g.due_on, g.window_end) for g in greetings] == [
        ("Mid-Autumn Festival", date(2026, 9, 22), date(2026, 9, 25)),
        ("National Day", date(2026, 9, 28), date(2026, 10, 1)),
    ]


def test_the_spring_festival_greeting_comes_before_its_first_day_off() -> None:
    greetings = holiday_greetings(
        holidays=CHINA_PUBLIC_HOLIDAYS, today=date(2026, 2, 1), horizon_end=date(2026, 3, 31)
    )
    assert [(g.holiday.name, g.due_on) for g in greetings] == [
        ("Spring Festival", date(2026, 2, 12))
    ]


def test_a_holiday_already_begun_gets_no_greeting() -> None:
    greetings = holiday_greetings(
        holidays=CHINA_PUBLIC_HOLIDAYS, today=date(2026, 2, 16), horizon_end=date(2026, 3, 31)
    )
    assert greetings == []


def test_greetings_follow_the_configured_holidays() -> None:
    company = [Holiday(date(2026, 12, 7), "Founders' Day")]
    greetings = holiday_greetings(
        holidays=company, today=date(2026, 12, 2), horizon_end=HORIZON_END
    )
    assert [(g.holiday.name, g.due_on, g.window_end) for g in greetings] == [
        ("Founders' Day", date(2026, 12, 4), date(2026, 12, 7))
    ]


def test_after_a_calendar_change_a_greeting_stands_only_for_a_holiday_still_starting_that_day() -> (
    None
):
    founders = holiday_trigger(date(2026, 12, 25))
    assert founders == "holiday:2026-12-25"

    def stands(*holidays: Holiday) -> bool:
        return greeting_stands(founders, {first.on for first in holiday_blocks(holidays)})

    assert stands(Holiday(date(2026, 12, 25), "Founders' Day"))
    # Renamed: the same holiday, the greeting stands.
    assert stands(Holiday(date(2026, 12, 25), "Company day"))
    # Moved, gone, or a day off added before it (the block now starts on the 24th): it does not.
    assert not stands(Holiday(date(2026, 12, 28), "Founders' Day"))
    assert not stands()
    assert not stands(Holiday(date(2026, 12, 24), "Eve"), Holiday(date(2026, 12, 25), "Founders"))
    # Made longer at its end: it still starts that day.
    assert stands(Holiday(date(2026, 12, 25), "Founders"), Holiday(date(2026, 12, 26), "Bridge"))


def test_a_care_trigger_names_its_card_reference_even_with_a_colon() -> None:
    trigger = care_trigger("birthday", "ct:7", date(2026, 12, 5))
    assert trigger == "birthday:ct:7:2026-12-05"
    assert parse_care_trigger(trigger) == ("birthday", "ct:7", date(2026, 12, 5))


def test_the_annual_meeting_invitation_goes_out_four_weeks_ahead_for_a_week() -> None:
    meeting = date(2027, 1, 15)
    assert annual_meeting_invitation(meeting_on=meeting, today=date(2026, 12, 1)) == Invitation(
        date(2026, 12, 18), date(2026, 12, 25)
    )
    # Late: due today; past: none.
    assert annual_meeting_invitation(meeting_on=meeting, today=date(2027, 1, 10)) == Invitation(
        date(2027, 1, 10), date(2027, 1, 10)
    )
    assert annual_meeting_invitation(meeting_on=meeting, today=date(2027, 1, 16)) is None

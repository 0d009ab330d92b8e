"""Care touches (DOMAIN.md §2): a greeting or small gift for a contact's birthday or the card's
anniversary (every account), for the public holidays and an invitation to the annual customer
meeting (key accounts). Each is due `lead_days` before its day and on time until the day."""

from calendar import isleap
from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import NamedTuple

from engagement.domain.calendar import Holiday


class CareTouch(NamedTuple):
    due_on: date
    # The birthday or anniversary itself: the touch's last day on time.
    occurs_on: date


class HolidayGreeting(NamedTuple):
    holiday: Holiday
    due_on: date
    window_end: date


class Invitation(NamedTuple):
    due_on: date
    window_end: date


def care_trigger(kind: str, reference: str, occurs_on: date) -> str:
    """What makes a birthday's or anniversary's touch once-only: its kind, card reference and
    day (decision 0013, rule 9)."""
    return f"{kind}:{reference}:{occurs_on.isoformat()}"


def parse_care_trigger(trigger: str) -> tuple[str, str, date]:
    """The kind, card reference and day of a care touch's trigger."""
    kind, rest = trigger.split(":", 1)
    reference, occurs_on = rest.rsplit(":", 1)
    return kind, reference, date.fromisoformat(occurs_on)


def yearly_date(year: int, month: int, day: int) -> date:
    """A yearly date in `year`; 29 February is kept on 28 February in a common year."""
    if (month, day) == (2, 29) and not isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_occurrence(month: int, day: int, on_or_after: date) -> date:
    """The yearly date's first occurrence on or after `on_or_after`."""
    this_year = yearly_date(on_or_after.year, month, day)
    return this_year if this_year >= on_or_after else yearly_date(on_or_after.year + 1, month, day)


def care_touch(
    *, month: int, day: int, today: date, horizon_end: date, lead_days: int = 3
) -> CareTouch | None:
    """The touch for the yearly date's next occurrence (today at the earliest), or None while
    that lies beyond the horizon."""
    occurs_on = next_occurrence(month, day, today)
    if occurs_on > horizon_end:
        return None
    return CareTouch(max(today, occurs_on - timedelta(days=lead_days)), occurs_on)


def holiday_blocks(holidays: Iterable[Holiday]) -> list[Holiday]:
    """The first day of each holiday block (consecutive days off), in order."""
    days = {holiday.on: holiday for holiday in holidays}
    return [days[on] for on in sorted(days) if on - timedelta(days=1) not in days]


def holiday_greetings(
    *, holidays: Iterable[Holiday], today: date, horizon_end: date, lead_days: int = 3
) -> list[HolidayGreeting]:
    """One greeting per holiday block starting from today up to the horizon, on time until
    its first day."""
    return [
        HolidayGreeting(first, max(today, first.on - timedelta(days=lead_days)), first.on)
        for first in holiday_blocks(holidays)
        if today <= first.on <= horizon_end
    ]


def holiday_trigger(first_day: date) -> str:
    """What makes a holiday's greeting once-only: the first day of its block."""
    return f"holiday:{first_day.isoformat()}"


def greeting_stands(trigger: str, holiday_firsts: Collection[date]) -> bool:
    """Whether a planned greeting's holiday is still in the calendar, starting that day (the
    first days of `holiday_blocks`). After a calendar change a greeting whose holiday is gone,
    or begins on another day, does not."""
    return date.fromisoformat(trigger.removeprefix("holiday:")) in holiday_firsts


def annual_meeting_invitation(
    *, meeting_on: date, today: date, invite_weeks_ahead: int = 4
) -> Invitation | None:
    """The invitation to the annual customer meeting, due `invite_weeks_ahead` weeks before it
    (today when that is past) and on time for a week; None once the meeting is past."""
    if meeting_on < today:
        return None
    due = meeting_on - timedelta(weeks=invite_weeks_ahead)
    return Invitation(max(today, due), max(today, due + timedelta(days=7)))

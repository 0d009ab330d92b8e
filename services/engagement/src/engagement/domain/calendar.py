"""The company's calendar: month arithmetic, working days, public holidays and the weekend days
worked instead of them (decision 0013).

A working day is a weekday that is not a public holiday, or a weekend day the State Council
moved a working day to (调休, a make-up working day). The holidays are data: China's are the
default, and an administrator replaces them through the calendar API (`PUT
/api/v1/engagement/calendar`, stored in `engagement.calendar_days`), which then wins entirely.
"""

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (earlier when negative); a day the target
    month lacks falls on its last day (31 January + 1 month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


@dataclass(frozen=True)
class Holiday:
    """One day off, named after its holiday (every day of a holiday block carries the name)."""

    on: date
    name: str


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date]
    # Weekend days worked to bridge a holiday (调休): working days despite being Saturdays or
    # Sundays.
    working_weekends: frozenset[date] = frozenset()

    @classmethod
    def of(cls, holidays: Iterable[Holiday], working_weekends: Iterable[date]) -> "WorkingCalendar":
        return cls(frozenset(holiday.on for holiday in holidays), frozenset(working_weekends))

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekends

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself for 0), whatever `day` is."""
        if count < 0:
            raise ValueError(f"count must not be negative, not {count}")
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day


def _block(name: str, first: date, days: int) -> tuple[Holiday, ...]:
    return tuple(Holiday(first + timedelta(days=n), name) for n in range(days))


# 2026: the State Council General Office's notice of 4 November 2025, days off with the
# weekdays bridged (放假调休) and the make-up working days below.
# Its number, as published: 国办发明电〔2025〕7号  # noqa: RUF003
CHINA_2026: tuple[Holiday, ...] = (
    *_block("New Year's Day", date(2026, 1, 1), 3),  # 元旦, Thu 1 - Sat 3 January
    *_block("Spring Festival", date(2026, 2, 15), 9),  # 春节, Sun 15 - Mon 23 February
    *_block("Qingming Festival", date(2026, 4, 4), 3),  # 清明节, Sat 4 - Mon 6 April
    *_block("Labour Day", date(2026, 5, 1), 5),  # 劳动节, Fri 1 - Tue 5 May
    *_block("Dragon Boat Festival", date(2026, 6, 19), 3),  # 端午节, Fri 19 - Sun 21 June
    *_block("Mid-Autumn Festival", date(2026, 9, 25), 3),  # 中秋节, Fri 25 - Sun 27 September
    *_block("National Day", date(2026, 10, 1), 7),  # 国庆节, Thu 1 - Wed 7 October
)
CHINA_2026_MAKE_UP_DAYS: frozenset[date] = frozenset(
    {
        date(2026, 1, 4),  # Sunday, for New Year's Day
        date(2026, 2, 14),  # Saturday, for the Spring Festival
        date(2026, 2, 28),  # Saturday, for the Spring Festival
        date(2026, 5, 9),  # Saturday, for Labour Day
        date(2026, 9, 20),  # Sunday, for National Day
        date(2026, 10, 10),  # Saturday, for National Day
    }
)
# 2027: the statutory days of the Regulations on Public Holidays (全国年节及纪念日放假办法, as
# amended from 2025) on 2027's lunar dates: New Year's Day; the Spring Festival's eve and its
# first three days (正月初一 is Saturday 6 February); Qingming on its solar term (5 April);
# 1-2 May; the Dragon Boat Festival (五月初五, 9 June); the Mid-Autumn Festival (八月十五,
# 15 September); 1-3 October. The State Council publishes the year's schedule, with its bridged
# days and make-up working days, in the November before: they are added here then (until
# then an administrator may set them through the calendar API).
CHINA_2027: tuple[Holiday, ...] = (
    *_block("New Year's Day", date(2027, 1, 1), 1),
    *_block("Spring Festival", date(2027, 2, 5), 4),
    *_block("Qingming Festival", date(2027, 4, 5), 1),
    *_block("Labour Day", date(2027, 5, 1), 2),
    *_block("Dragon Boat Festival", date(2027, 6, 9), 1),
    *_block("Mid-Autumn Festival", date(2027, 9, 15), 1),
    *_block("National Day", date(2027, 10, 1), 3),
)
CHINA_2027_MAKE_UP_DAYS: frozenset[date] = frozenset()

# The default calendar, until an administrator sets one.
CHINA_PUBLIC_HOLIDAYS: tuple[Holiday, ...] = (*CHINA_2026, *CHINA_2027)
CHINA_ADJUSTED_WORKING_DAYS: frozenset[date] = CHINA_2026_MAKE_UP_DAYS | CHINA_2027_MAKE_UP_DAYS


def china_calendar() -> WorkingCalendar:
    return WorkingCalendar.of(CHINA_PUBLIC_HOLIDAYS, CHINA_ADJUSTED_WORKING_DAYS)

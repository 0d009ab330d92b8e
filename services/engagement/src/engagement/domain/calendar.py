"""Working days (quick version, replaced by the rules branch)."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Holiday:
    on: date
    name: str


@dataclass(frozen=True)
class WorkingCalendar:
    holidays: frozenset[date]
    working_weekends: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day.weekday() < 5 or day in self.working_weekends

    def add_working_days(self, day: date, count: int) -> date:
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days(self, start: date, end: date) -> list[date]:
        days = []
        while start <= end:
            if self.is_working_day(start):
                days.append(start)
            start += timedelta(days=1)
        return days


CHINA_PUBLIC_HOLIDAYS: tuple[Holiday, ...] = (Holiday(date(2027, 1, 1), "New Year"),)
CHINA_ADJUSTED_WORKING_DAYS: frozenset[date] = frozenset()


def china_calendar() -> WorkingCalendar:
    return WorkingCalendar(
        frozenset(h.on for h in CHINA_PUBLIC_HOLIDAYS), CHINA_ADJUSTED_WORKING_DAYS
    )

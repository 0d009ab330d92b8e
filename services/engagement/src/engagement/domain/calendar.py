"""Working days: weekdays that are not public holidays, plus the weekend days worked instead."""

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


def _days(name: str, first: date, count: int) -> tuple[Holiday, ...]:
    return tuple(Holiday(first + timedelta(days=n), name) for n in range(count))


# 2026: the State Council's notice (State Council General Office notice 2025 No. 7), days off and make-up working days.
# 2027: the statutory days only (New Year's Eve and the first three days of the Spring Festival,
# and so on); the bridging days and make-up days are added when the State Council publishes the
# 2027 schedule, or by an administrator through the calendar API.
CHINA_PUBLIC_HOLIDAYS: tuple[Holiday, ...] = (
    *_days("New Year's Day", date(2026, 1, 1), 3),
    *_days("Spring Festival", date(2026, 2, 15), 9),
    *_days("Qingming Festival", date(2026, 4, 4), 3),
    *_days("Labour Day", date(2026, 5, 1), 5),
    *_days("Dragon Boat Festival", date(2026, 6, 19), 3),
    *_days("Mid-Autumn Festival", date(2026, 9, 25), 3),
    *_days("National Day", date(2026, 10, 1), 7),
    *_days("New Year's Day", date(2027, 1, 1), 1),
    *_days("Spring Festival", date(2027, 2, 5), 4),
    *_days("Qingming Festival", date(2027, 4, 5), 1),
    *_days("Labour Day", date(2027, 5, 1), 2),
    *_days("Dragon Boat Festival", date(2027, 6, 9), 1),
    *_days("Mid-Autumn Festival", date(2027, 9, 15), 1),
    *_days("National Day", date(2027, 10, 1), 3),
)
# Weekend days worked to bridge the holidays above.
CHINA_ADJUSTED_WORKING_DAYS: frozenset[date] = frozenset(
    {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
)


def china_calendar() -> WorkingCalendar:
    return WorkingCalendar(
        frozenset(h.on for h in CHINA_PUBLIC_HOLIDAYS), CHINA_ADJUSTED_WORKING_DAYS
    )

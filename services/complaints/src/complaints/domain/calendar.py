"""Business calendars and exact business-time arithmetic.

A calendar has a time zone, working periods per weekday (local wall-clock minutes) and holidays
(each named in English and Chinese, for the pages; the names do not count).
Business time is the real time that passes while the calendar is open: on a daylight-saving day
a period of 00:00-24:00 lasts 23 or 25 hours. All instants in and out are aware UTC datetimes.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chassis.messages import _
from complaints.domain.errors import InvalidInput

MINUTES_PER_DAY = 24 * 60
# A calendar that is open at least once a week finds any moment within this many days.
SEARCH_LIMIT_DAYS = 366 * 5
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class TimeMeasure(Protocol):
    """How a clock counts time: wall time or the open hours of a calendar."""

    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def elapsed(self, start: datetime, end: datetime) -> timedelta: ...


class WallTime:
    """Every second counts."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        return max(end - start, timedelta(0))


WALL_TIME = WallTime()


@dataclass(frozen=True)
class WorkingPeriod:
    """Open from `start` to `end`, in minutes after local midnight (end up to 1440 = 24:00)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise InvalidInput(
                _("working period %(period)s must start before it ends, within 00:00-24:00")
                % {"period": f"{format_minutes(self.start)}-{format_minutes(self.end)}"}
            )

    @classmethod
    def parse(cls, text: str) -> "WorkingPeriod":
        """`"09:00-12:30"`; `24:00` is allowed as an end."""
        try:
            start, end = text.split("-")
            return cls(parse_minutes(start), parse_minutes(end))
        except ValueError as exc:
            raise InvalidInput(
                _("working period %(period)r is not HH:MM-HH:MM") % {"period": text}
            ) from exc

    def __str__(self) -> str:
        return f"{format_minutes(self.start)}-{format_minutes(self.end)}"


def parse_minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not 0 <= int(minutes) < 60 or not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(text)
    return value


def format_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


MAX_HOLIDAY_NAME = 100


@dataclass(frozen=True)
class HolidayName:
    """A holiday's name in English and in Chinese; either may be empty."""

    en: str = ""
    zh: str = ""

    def __post_init__(self) -> None:
        if len(self.en) > MAX_HOLIDAY_NAME or len(self.zh) > MAX_HOLIDAY_NAME:
            raise InvalidInput(
                _("a holiday's name has at most %(limit)s characters") % {"limit": MAX_HOLIDAY_NAME}
            )


@dataclass(frozen=True)
class BusinessCalendar:
    """Working periods per weekday (0 = Monday) in a time zone, minus holidays."""

    name: str
    time_zone: str
    week: tuple[tuple[WorkingPeriod, ...], ...]
    holidays: frozenset[date] = field(default_factory=frozenset)
    version: int = 1
    # Only shown: a holiday left out here has no name.
    holiday_names: Mapping[date, HolidayName] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(_("unknown time zone %(zone)r") % {"zone": self.time_zone}) from exc
        if len(self.week) != 7:
            raise InvalidInput(_("a calendar needs working periods for each of the 7 weekdays"))
        for weekday, periods in zip(WEEKDAYS, self.week, strict=True):
            for earlier, later in pairwise(periods):
                if later.start < earlier.end:
                    raise InvalidInput(
                        _("%(weekday)s: working periods overlap or are not in order")
                        % {"weekday": weekday}
                    )
        if not any(self.week):
            raise InvalidInput(_("a calendar must be open at least once a week"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def open_periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The UTC intervals the calendar is open on a local date."""
        if day in self.holidays:
            return []
        zone = self.zone
        midnight = datetime.combine(day, time())
        return [
            (
                _local_to_utc(midnight + timedelta(minutes=period.start), zone),
                _local_to_utc(midnight + timedelta(minutes=period.end), zone),
            )
            for period in self.week[day.weekday()]
        ]

    def _periods_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals that end after `moment`, in order, clipped to start at `moment`."""
        day = moment.astimezone(self.zone).date()
        for offset in range(SEARCH_LIMIT_DAYS):
            for opens, closes in self.open_periods(day + timedelta(days=offset)):
                if closes > moment:
                    yield max(opens, moment), closes
        raise InvalidInput(
            _("calendar %(calendar)r is never open after %(moment)s")
            % {"calendar": self.name, "moment": moment.isoformat()}
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of open time has passed since `start`."""
        remaining = duration
        if remaining <= timedelta(0):
            return start
        for opens, closes in self._periods_from(start):
            available = closes - opens
            if remaining <= available:
                return opens + remaining
            remaining -= available
        raise AssertionError("unreachable: _periods_from raises when it runs out")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Open time between two instants (zero when end is not after start)."""
        total = timedelta(0)
        if end <= start:
            return total
        for opens, closes in self._periods_from(start):
            if opens >= end:
                break
            total += min(closes, end) - opens
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The close of the `days`-th working day after the local day of `start`."""
        day = start.astimezone(self.zone).date()
        counted = 0
        for _searched in range(SEARCH_LIMIT_DAYS):
            day += timedelta(days=1)
            periods = self.open_periods(day)
            if periods:
                counted += 1
                if counted == days:
                    return periods[-1][1]
        raise InvalidInput(
            _("calendar %(calendar)r has no %(days)s working days ahead")
            % {"calendar": self.name, "days": days}
        )


def _local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # A wall time skipped by a daylight-saving jump is read with the offset before the jump;
    # a repeated one means its first occurrence (fold=0).
    return local.replace(tzinfo=zone).astimezone(UTC)

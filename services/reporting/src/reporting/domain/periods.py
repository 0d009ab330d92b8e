"""Reporting periods (day, ISO week, month, quarter, half-year, year) and the "as of" cut-off.

A figure "as of" a date D counts what was known by the end of D (UTC): facts that arrived
before D + 1 day, about things that happened before the period's end or that cut-off,
whichever is earlier. The same question asked later gives the same answer.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from chassis.errors import InvalidInput, Problem
from chassis.messages import _

PeriodKind = Literal["day", "week", "month", "quarter", "half", "year"]

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("day", re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")),
    ("week", re.compile(r"^(\d{4})-W(\d{2})$")),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("half", re.compile(r"^(\d{4})-H([12])$")),
    ("year", re.compile(r"^(\d{4})$")),
)


@dataclass(frozen=True)
class Period:
    """A half-open range of days [start, end) with the label it was asked by."""

    kind: PeriodKind
    label: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def months(self) -> int:
        """Calendar months the period spans (a day or week counts as one)."""
        span = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        return max(span, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """`2026-11-20`, `2026-W47`, `2026-11`, `2026-Q4`, `2026-H2` or `2026`."""
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if match is None:
            continue
        numbers = [int(part) for part in match.groups()]
        try:
            return _build(kind, text, numbers)
        except ValueError as error:
            # Python's reason (`month must be in 1..12`) is English only: the field says it.
            raise InvalidInput(
                _("period %(period)r does not exist") % {"period": text},
                code="invalid_period",
                details=[Problem("period", str(error))],
            ) from error
    raise InvalidInput(
        _("period %(period)r is not YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY")
        % {"period": text},
        code="invalid_period",
        details=[Problem("period", _("unknown period format"))],
    )


def _build(kind: PeriodKind, label: str, numbers: list[int]) -> Period:
    year = numbers[0]
    if not 1900 <= year <= 9998:
        raise ValueError("year out of range 1900-9998")
    if kind == "day":
        start = date(year, numbers[1], numbers[2])
        return Period(kind, label, start, start + timedelta(days=1))
    if kind == "week":
        start = date.fromisocalendar(year, numbers[1], 1)
        return Period(kind, label, start, start + timedelta(days=7))
    if kind == "month":
        start = date(year, numbers[1], 1)
        return Period(kind, label, start, _add_months(start, 1))
    if kind == "quarter":
        start = date(year, 3 * numbers[1] - 2, 1)
        return Period(kind, label, start, _add_months(start, 3))
    if kind == "half":
        start = date(year, 6 * numbers[1] - 5, 1)
        return Period(kind, label, start, _add_months(start, 6))
    return Period(kind, label, date(year, 1, 1), date(year + 1, 1, 1))


def period_of(kind: PeriodKind, day: date) -> Period:
    """The period of this kind that holds `day`."""
    if kind == "day":
        return parse_period(day.isoformat())
    if kind == "week":
        iso = day.isocalendar()
        return parse_period(f"{iso.year}-W{iso.week:02d}")
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse_period(f"{day.year}-H{(day.month - 1) // 6 + 1}")
    return parse_period(str(day.year))


def months_of(period: Period) -> list[Period]:
    """The calendar months that overlap the period, in order."""
    months = []
    month = date(period.start.year, period.start.month, 1)
    while month < period.end:
        months.append(period_of("month", month))
        month = _add_months(month, 1)
    return months


def parse_as_of(text: str | None, today: date) -> date:
    """`YYYY-MM-DD`, at most today; absent means today."""
    if text is None or text == "":
        return today
    try:
        as_of = date.fromisoformat(text)
    except ValueError as error:
        raise InvalidInput(
            _("as_of %(as_of)r is not a date (YYYY-MM-DD)") % {"as_of": text},
            code="invalid_date",
            details=[Problem("as_of", _("not a date"))],
        ) from error
    if as_of > today:
        raise InvalidInput(
            _("as_of %(as_of)s is in the future") % {"as_of": text},
            code="invalid_date",
            details=[Problem("as_of", _("in the future"))],
        )
    return as_of


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


@dataclass(frozen=True)
class Window:
    """What a figure counts: things that happened in [start, end) and arrived before `known`."""

    period: Period
    as_of: date
    start: datetime
    end: datetime
    known: datetime

    @property
    def start_day(self) -> date:
        return self.start.date()

    @property
    def end_day(self) -> date:
        """The first day no longer counted."""
        return self.end.date()


def window(period: Period, as_of: date) -> Window:
    """The period cut at the end of `as_of`."""
    known = midnight(as_of + timedelta(days=1))
    end = min(midnight(period.end), known)
    start = midnight(period.start)
    return Window(period, as_of, start, max(end, start), known)

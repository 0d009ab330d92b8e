"""Calendar arithmetic: months and the quarter, half-year and year of evaluation reports."""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

PeriodKind = Literal["quarter", "half_year", "year"]

_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<part>Q[1-4]|H[12]))?$")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (or earlier); the 31st becomes the month's last day."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class ReportPeriod:
    """A reporting period [start, end) in UTC, named like 2026-Q3, 2026-H1 or 2026."""

    label: str
    kind: PeriodKind
    start: datetime
    end: datetime


def parse_period(label: str) -> ReportPeriod:
    """Raise ValueError with a readable message when the label is not a period."""
    match = _PERIOD.match(label.strip())
    if not match:
        raise ValueError(f"{label!r} is not a period: use 2026-Q3, 2026-H1 or 2026")
    year = int(match["year"])
    part = match["part"]
    if year < 1900:
        raise ValueError(f"{label!r}: the year must be 1900 or later")
    first = datetime(year, 1, 1, tzinfo=UTC)
    if part is None:
        return ReportPeriod(str(year), "year", first, add_months(first, 12))
    if part.startswith("Q"):
        start = add_months(first, 3 * (int(part[1]) - 1))
        return ReportPeriod(f"{year}-{part}", "quarter", start, add_months(start, 3))
    start = add_months(first, 6 * (int(part[1]) - 1))
    return ReportPeriod(f"{year}-{part}", "half_year", start, add_months(start, 6))

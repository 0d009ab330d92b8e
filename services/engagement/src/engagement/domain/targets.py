"""A manager's monthly sales target spread over the working days, and progress against it."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from engagement.domain.calendar import WorkingCalendar


@dataclass(frozen=True)
class DayWeights:
    weekday: Decimal = Decimal(1)
    saturday: Decimal = Decimal(0)
    sunday: Decimal = Decimal(0)


@dataclass(frozen=True)
class Progress:
    target: Decimal
    actual: Decimal

    @property
    def share(self) -> float | None:
        return float(self.actual / self.target) if self.target else None


def split_month(
    *, month: date, amount: Decimal, calendar: WorkingCalendar, weights: DayWeights
) -> dict[date, Decimal]:
    days = []
    day = month
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)

    def weight(d: date) -> Decimal:
        if not calendar.is_working_day(d):
            return Decimal(0)
        return weights.weekday

    total = sum(weight(d) for d in days) or Decimal(1)
    split = {d: (amount * weight(d) / total).quantize(Decimal("0.01")) for d in days}
    split[days[-1]] += amount - sum(split.values())
    return split


def week_totals(split: Mapping[date, Decimal]) -> dict[date, Decimal]:
    totals: dict[date, Decimal] = {}
    for d, a in split.items():
        monday = d - timedelta(days=d.weekday())
        totals[monday] = totals.get(monday, Decimal(0)) + a
    return totals


def progress(
    *, split: Mapping[date, Decimal], actuals_by_day: Mapping[date, Decimal], today: date
) -> dict[str, Progress]:
    monday = today - timedelta(days=today.weekday())

    def total(m: Mapping[date, Decimal], keep) -> Decimal:
        return sum((a for d, a in m.items() if keep(d)), Decimal(0))

    return {
        "day": Progress(
            total(split, lambda d: d == today), total(actuals_by_day, lambda d: d == today)
        ),
        "week": Progress(
            total(split, lambda d: monday <= d <= today + timedelta(days=6 - today.weekday())),
            total(actuals_by_day, lambda d: monday <= d <= today),
        ),
        "month_to_date": Progress(
            total(split, lambda d: d <= today), total(actuals_by_day, lambda d: d <= today)
        ),
        "month": Progress(total(split, lambda d: True), total(actuals_by_day, lambda d: True)),
    }

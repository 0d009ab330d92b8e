"""A manager's monthly sales target spread over the working days, and progress against it."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from engagement.domain.calendar import WorkingCalendar

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DayWeights:
    """How much of a month's target each kind of day carries (a holiday carries none, a weekend
    day worked instead of one carries a weekday's)."""

    weekday: Decimal = Decimal(1)
    saturday: Decimal = Decimal(0)
    sunday: Decimal = Decimal(0)

    def of(self, day: date, calendar: WorkingCalendar) -> Decimal:
        if calendar.is_working_day(day):
            return self.weekday
        if day in calendar.holidays or day.weekday() < 5:
            return Decimal(0)
        return self.saturday if day.weekday() == 5 else self.sunday


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
    """The month's target per day, in cents, summing exactly to `amount` (the rounding
    remainder goes to the month's last day that carries any weight)."""
    days = []
    day = month
    while day.month == month.month:
        days.append(day)
        day += timedelta(days=1)
    weight = {d: weights.of(d, calendar) for d in days}
    carrying = [d for d in days if weight[d] > 0] or days
    total = sum(weight[d] for d in carrying) or Decimal(len(carrying))
    split = {
        d: ((amount * (weight[d] or 1) / total) if d in carrying else Decimal(0)).quantize(CENT)
        for d in days
    }
    split[carrying[-1]] += amount - sum(split.values())
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

    def total(m: Mapping[date, Decimal], keep: Callable[[date], bool]) -> Decimal:
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

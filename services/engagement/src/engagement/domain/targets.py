"""A manager's monthly sales target broken down into days and weeks (DOMAIN.md §2), and progress
against it.

Each day of the month carries a share of the target by its weight: a working weekday, and a
weekend day worked instead of a holiday (a make-up working day), weigh `weekday`; an ordinary
Saturday or Sunday weighs `saturday` or `sunday`; a public holiday nothing. The split is in
cents and sums exactly to the target (largest remainder).
"""

from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from engagement.domain.calendar import WorkingCalendar

CENT = Decimal("0.01")
Period = Literal["day", "week", "month_to_date", "month"]


@dataclass(frozen=True)
class DayWeights:
    """How much of the target each kind of day carries (configuration:
    `ENGAGEMENT_TARGET_*_WEIGHT`)."""

    weekday: Decimal = Decimal(1)
    saturday: Decimal = Decimal(0)
    sunday: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if min(self.weekday, self.saturday, self.sunday) < 0:
            raise ValueError("day weights cannot be negative")

    def of(self, day: date, calendar: WorkingCalendar) -> Decimal:
        if day in calendar.holidays:
            return Decimal(0)
        if calendar.is_working_day(day):
            return self.weekday
        return self.saturday if day.weekday() == 5 else self.sunday


@dataclass(frozen=True)
class Progress:
    target: Decimal
    actual: Decimal

    @property
    def share(self) -> float | None:
        """The actual as a share of the target; None without a target."""
        return float(self.actual / self.target) if self.target else None


def days_of_month(month: date) -> list[date]:
    """Every day of `month`'s month."""
    first = month.replace(day=1)
    return [first + timedelta(days=n) for n in range(monthrange(first.year, first.month)[1])]


def split_month(
    *, month: date, amount: Decimal, calendar: WorkingCalendar, weights: DayWeights
) -> dict[date, Decimal]:
    """The target of `month`'s month (any of its days) per day, in cents, summing exactly to
    `amount` (rounded to the cent). Each day gets its weight's share rounded down to the cent;
    the cents left go one each to the days that lost most to the rounding (the earlier on a
    tie), so only days with a weight get any. A month where no day carries weight (all weights
    zero) is split evenly."""
    if amount < 0:
        raise ValueError("a target cannot be negative")
    days = days_of_month(month)
    weight = {day: weights.of(day, calendar) for day in days}
    if not any(weight.values()):
        weight = dict.fromkeys(days, Decimal(1))
    total = sum(weight.values(), Decimal(0))
    cents = int(amount.quantize(CENT, rounding=ROUND_HALF_UP) / CENT)
    exact = {day: cents * weight[day] / total for day in days}
    split = {day: int(exact[day]) for day in days}
    left = cents - sum(split.values())
    for day in sorted(days, key=lambda d: (split[d] - exact[d], d))[:left]:
        split[day] += 1
    return {day: Decimal(split[day]) * CENT for day in days}


def progress(
    *, split: Mapping[date, Decimal], actuals_by_day: Mapping[date, Decimal], today: date
) -> dict[Period, Progress]:
    """Target against actual for today, this week (its days in the month: the target of the
    whole week, the actuals up to today), the month so far and the whole month."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)

    def figure(
        target_days: Callable[[date], bool], actual_days: Callable[[date], bool]
    ) -> Progress:
        return Progress(
            sum((a for d, a in split.items() if target_days(d)), Decimal(0)),
            sum((a for d, a in actuals_by_day.items() if actual_days(d)), Decimal(0)),
        )

    return {
        "day": figure(lambda d: d == today, lambda d: d == today),
        "week": figure(lambda d: monday <= d <= sunday, lambda d: monday <= d <= today),
        "month_to_date": figure(lambda d: d <= today, lambda d: d <= today),
        "month": figure(lambda d: True, lambda d: True),
    }

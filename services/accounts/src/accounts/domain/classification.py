"""Value and frequency classes over the trailing 12 months (DOMAIN.md §1, Tiering)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

Level = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class ClassificationPolicy:
    """Thresholds: high value >= value_high, medium >= value_medium; likewise order counts."""

    value_high: Decimal = Decimal("500000")
    value_medium: Decimal = Decimal("300000")
    frequency_high: int = 5
    frequency_medium: int = 3

    def __post_init__(self) -> None:
        if not self.value_high > self.value_medium >= 0:
            raise ValueError("value thresholds must satisfy high > medium >= 0")
        if not self.frequency_high > self.frequency_medium >= 1:
            raise ValueError("frequency thresholds must satisfy high > medium >= 1")


@dataclass(frozen=True)
class TrailingFigures:
    """What an account bought from window_start (inclusive) up to window_end."""

    order_count: int
    net_revenue: Decimal
    window_start: datetime
    window_end: datetime


@dataclass(frozen=True)
class Classification:
    value_class: Level
    frequency_class: Level


def twelve_months_before(moment: datetime) -> datetime:
    """The same instant one calendar year earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:
        return moment.replace(year=moment.year - 1, day=28)


def window_start(as_of: datetime) -> datetime:
    """Orders placed at or after this instant are in the trailing 12 months as of `as_of`."""
    return twelve_months_before(as_of)


def counts_in_window(placed_at: datetime, as_of: datetime) -> bool:
    """An order 12 months old still counts; 12 months and a day old, it has aged out."""
    return placed_at >= window_start(as_of)


def value_class(net_revenue: Decimal, policy: ClassificationPolicy) -> Level:
    if net_revenue >= policy.value_high:
        return "high"
    if net_revenue >= policy.value_medium:
        return "medium"
    return "low"


def frequency_class(order_count: int, policy: ClassificationPolicy) -> Level:
    if order_count >= policy.frequency_high:
        return "high"
    if order_count >= policy.frequency_medium:
        return "medium"
    return "low"


def classify(figures: TrailingFigures, policy: ClassificationPolicy) -> Classification:
    return Classification(
        value_class(figures.net_revenue, policy), frequency_class(figures.order_count, policy)
    )


def explain(
    previous: Classification | None,
    current: Classification,
    figures: TrailingFigures,
    policy: ClassificationPolicy,
    currency: str,
) -> str:
    """A sentence a manager can read: what changed and which threshold decided it."""
    revenue = f"{figures.net_revenue:,.2f} {currency}"
    value_rule = {
        "high": f">= {policy.value_high:,} (high)",
        "medium": f">= {policy.value_medium:,} and < {policy.value_high:,} (medium)",
        "low": f"< {policy.value_medium:,} (low)",
    }[current.value_class]
    frequency_rule = {
        "high": f">= {policy.frequency_high} (high)",
        "medium": f"{policy.frequency_medium}-{policy.frequency_high - 1} (medium)",
        "low": f"<= {policy.frequency_medium - 1} (low)",
    }[current.frequency_class]
    parts = []
    if previous is None or previous.value_class != current.value_class:
        before = f"{previous.value_class} -> " if previous else ""
        parts.append(
            f"value {before}{current.value_class}: 12-month net revenue {revenue} is {value_rule}"
        )
    if previous is None or previous.frequency_class != current.frequency_class:
        before = f"{previous.frequency_class} -> " if previous else ""
        parts.append(
            f"frequency {before}{current.frequency_class}: "
            f"{figures.order_count} orders in 12 months is {frequency_rule}"
        )
    return "; ".join(parts)


def ages_out_at(placed_at: datetime) -> datetime:
    """The first instant at which an order no longer counts in the trailing 12 months."""
    try:
        candidate = placed_at.replace(year=placed_at.year + 1) + timedelta(microseconds=1)
    except ValueError:  # 29 February: out once the window starts on 1 March
        return placed_at.replace(
            year=placed_at.year + 1, month=3, day=1, hour=0, minute=0, second=0, microsecond=0
        )
    return candidate

"""Account lifecycle: prospect, new, active, at risk, dormant (DOMAIN.md §1, Lifecycle).

Only orders move an account along; time alone moves it towards at risk and dormant, so every
assessment also says when the stage will next change if no order arrives.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from accounts.domain.periods import add_months

Stage = Literal["prospect", "new", "active", "at_risk", "dormant"]
STAGES: tuple[Stage, ...] = ("prospect", "new", "active", "at_risk", "dormant")


@dataclass(frozen=True)
class LifecyclePolicy:
    new_days: int = 90
    at_risk_interval_multiplier: Decimal = Decimal(2)
    at_risk_default_days: int = 90
    # The usual interval needs this many orders (one fewer gaps); with fewer, the default applies.
    min_orders_for_interval: int = 3
    dormant_months: int = 12


@dataclass(frozen=True)
class OrderHistory:
    """An account's orders that count (not cancelled), as of a moment."""

    first_order_at: datetime | None
    last_order_at: datetime | None
    recent_order_times: Sequence[datetime]


@dataclass(frozen=True)
class LifecycleAssessment:
    stage: Stage
    reason: str
    usual_interval: timedelta | None
    next_change_at: datetime | None


def usual_interval(history: OrderHistory, policy: LifecyclePolicy) -> timedelta | None:
    """The median gap between consecutive recent orders; None with too little history."""
    times = sorted(history.recent_order_times)
    if len(times) < policy.min_orders_for_interval:
        return None
    gaps = sorted(later - earlier for earlier, later in pairwise(times))
    middle = len(gaps) // 2
    return gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2


def at_risk_after(interval: timedelta | None, policy: LifecyclePolicy) -> timedelta:
    if interval is None:
        return timedelta(days=policy.at_risk_default_days)
    return interval * float(policy.at_risk_interval_multiplier)


def _days(delta: timedelta) -> str:
    days = delta / timedelta(days=1)
    return f"{days:.0f}" if days == int(days) else f"{days:.1f}"


def assess_lifecycle(
    history: OrderHistory, as_of: datetime, policy: LifecyclePolicy
) -> LifecycleAssessment:
    """The stage as of `as_of`, why, and when it changes next without a new order."""
    first, last = history.first_order_at, history.last_order_at
    if first is None or last is None:
        return LifecycleAssessment("prospect", "no order yet", None, None)
    interval = usual_interval(history, policy)
    risk_after = at_risk_after(interval, policy)
    at_risk_at = last + risk_after
    dormant_at = add_months(last, policy.dormant_months)
    new_until = first + timedelta(days=policy.new_days)
    since_last = f"last order {_days(as_of - last)} days ago"
    if interval is None:
        rule = f"{policy.at_risk_default_days} days (too little history for a usual interval)"
    else:
        rule = (
            f"{policy.at_risk_interval_multiplier} x the usual interval of "
            f"{_days(interval)} days = {_days(risk_after)} days"
        )
    if as_of >= dormant_at:
        reason = f"{since_last}: no order for {policy.dormant_months} months"
        return LifecycleAssessment("dormant", reason, interval, None)
    if as_of >= at_risk_at:
        return LifecycleAssessment(
            "at_risk", f"{since_last}, at or beyond {rule}", interval, dormant_at
        )
    next_change = min(at_risk_at, dormant_at)
    if as_of < new_until:
        reason = f"first order {_days(as_of - first)} days ago (new for {policy.new_days} days)"
        return LifecycleAssessment("new", reason, interval, min(new_until, next_change))
    return LifecycleAssessment("active", f"{since_last}, within {rule}", interval, next_change)


def is_reactivation(previous: str | None, current: str) -> bool:
    """An order brought an at-risk or dormant account back."""
    return previous in ("at_risk", "dormant") and current in ("new", "active")

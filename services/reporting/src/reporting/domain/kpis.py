"""The KPIs as pure functions of what was counted (docs/kpis.md defines each one once).

A ratio whose denominator is zero is None ("no data"), never zero: a manager without
accounts has no retention rate, not a bad one. Percentages are 0-100 with two decimals.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole as a percentage, None without a whole."""
    if not whole:
        return None
    return _round(Decimal(part) * HUNDRED / Decimal(whole))


@dataclass(frozen=True)
class Csat:
    answers: int
    satisfied_share: Decimal | None  # % of answers 4 or 5
    mean: Decimal | None


def csat(scores: Iterable[int]) -> Csat:
    """CSAT: the share of 4-5 answers (1-5 scale), and the mean."""
    values = list(scores)
    if not values:
        return Csat(0, None, None)
    satisfied = sum(1 for score in values if score >= 4)
    return Csat(
        len(values), percent(satisfied, len(values)), _round(Decimal(sum(values)) / len(values))
    )


@dataclass(frozen=True)
class Nps:
    answers: int
    promoters: int  # 9-10
    passives: int  # 7-8
    detractors: int  # 0-6
    score: Decimal | None  # % promoters - % detractors, -100..100


def nps(scores: Iterable[int]) -> Nps:
    """NPS: % promoters (9-10) minus % detractors (0-6) of the 0-10 answers."""
    values = list(scores)
    promoters = sum(1 for score in values if score >= 9)
    detractors = sum(1 for score in values if score <= 6)
    passives = len(values) - promoters - detractors
    score = None
    if values:
        score = _round(Decimal(promoters - detractors) * HUNDRED / len(values))
    return Nps(len(values), promoters, passives, detractors, score)


def retention_rate(*, at_start: int, at_end: int, new: int) -> Decimal | None:
    """(accounts at period end - new accounts) / accounts at start."""
    return percent(at_end - new, at_start)


def churn_rate(*, at_start: int, lost: int) -> Decimal | None:
    """Accounts of the start no longer there at the end / accounts at start."""
    return percent(lost, at_start)


def growth_rate(*, at_start: int, new: int) -> Decimal | None:
    """New accounts in the period / accounts at start."""
    return percent(new, at_start)


def repeat_purchase_rate(orders_per_account: Mapping[str, int]) -> Decimal | None:
    """Accounts with two or more orders / accounts with at least one, in the period."""
    buyers = [count for count in orders_per_account.values() if count > 0]
    return percent(sum(1 for count in buyers if count >= 2), len(buyers))


@dataclass(frozen=True)
class Clv:
    average_order_value: Decimal | None
    orders_per_account_year: Decimal | None
    lifespan_years: Decimal
    value: Decimal | None


def lifetime_value(
    *, revenue: Decimal, orders: int, buyers: int, period_days: int, lifespan_years: Decimal
) -> Clv:
    """CLV = average order value x orders per buying account per year x expected lifespan.

    Average order value = net revenue / orders; the yearly frequency scales the period's
    orders per buyer to 365 days; the lifespan is configuration (REPORTING_CLV_LIFESPAN_YEARS).
    """
    if not orders or not buyers or period_days <= 0:
        return Clv(None, None, lifespan_years, None)
    aov = revenue / orders
    frequency = Decimal(orders) / buyers * Decimal(365) / Decimal(period_days)
    return Clv(
        _round(aov), _round(frequency), lifespan_years, _round(aov * frequency * lifespan_years)
    )


def referral_rate(*, new: int, referred: int) -> Decimal | None:
    """New accounts referred by another account / new accounts."""
    return percent(referred, new)


def complaint_rate(*, tickets: int, active_accounts: int) -> Decimal | None:
    """Tickets filed per 100 active accounts."""
    if not active_accounts:
        return None
    return _round(Decimal(tickets) * HUNDRED / active_accounts)


def sla_compliance(*, met: int, breached: int) -> Decimal | None:
    """Clocks met / clocks that ended (met or breached)."""
    return percent(met, met + breached)


@dataclass(frozen=True)
class VisitRate:
    visits: int
    managers: int
    months: int
    per_manager_month: Decimal | None
    norm: int
    of_norm: Decimal | None  # % of the norm reached


def visits_per_month(*, visits: int, managers: int, months: int, norm: int) -> VisitRate:
    """Visits logged / managers / months, against the norm (visits a month per manager)."""
    if not managers or months <= 0:
        return VisitRate(visits, managers, months, None, norm, None)
    rate = Decimal(visits) / managers / months
    return VisitRate(visits, managers, months, _round(rate), norm, percent(rate, norm))


def plan_completion(*, done: int, due: int) -> Decimal | None:
    """Items done / items due in the period (cancelled items are not due)."""
    return percent(done, due)


def follow_ups_on_time(*, on_time: int, ended: int) -> Decimal | None:
    """Follow-ups done within their window / follow-ups that ended (done or missed)."""
    return percent(on_time, ended)


def target_share(*, actual: Decimal, target: Decimal | None) -> Decimal | None:
    """Sales as a percentage of the target."""
    if target is None or not target:
        return None
    return percent(actual, target)


def prorated_target(*, monthly: Decimal, days: int, days_in_month: int) -> Decimal:
    """A month's target for `days` of it: by calendar days."""
    return _round(monthly * days / days_in_month)


def shares(amounts: Mapping[str, Decimal]) -> dict[str, Decimal | None]:
    """Each key's share of the total, in percent."""
    total = sum(amounts.values(), Decimal(0))
    return {key: percent(amount, total) for key, amount in sorted(amounts.items())}

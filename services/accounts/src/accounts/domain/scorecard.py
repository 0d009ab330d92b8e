"""The weighted relationship scorecard (the handbook's relationship evaluation form).

Each indicator scores 0-100; the final score is the weighted mean over the indicators that
have data (an indicator without data is left out and its weight shared by the others, and
the explanation says so). The score maps to a grade A/B/C/D and a recommendation.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from accounts.domain.hysteresis import class_of, held_class
from accounts.domain.periods import add_months
from accounts.domain.tier_policy import TierPolicy

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


# The signal feed whose start makes complaint data known (before it, no account has any).
COMPLAINTS_FEED = "complaints"


@dataclass(frozen=True)
class ScorecardFacts:
    """What the scorecard reads about one account, as of a moment."""

    net_revenue_12m: Decimal
    order_count_12m: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    csat_average: Decimal | None
    nps_average: Decimal | None
    feedback_count_12m: int
    complaints_12m: int
    complaints_known: bool
    referrals: int


@dataclass(frozen=True)
class IndicatorResult:
    indicator: str
    weight: int
    score: Decimal | None
    detail: str


@dataclass(frozen=True)
class Scorecard:
    indicators: tuple[IndicatorResult, ...]
    score: Decimal
    raw_grade: str

    @property
    def missing(self) -> list[str]:
        return [i.indicator for i in self.indicators if i.score is None and i.weight > 0]


def _pct(value: Decimal) -> Decimal:
    return min(HUNDRED, max(Decimal(0), value)).quantize(TENTH, ROUND_HALF_UP)


def full_years(since: datetime, as_of: datetime) -> int:
    years = as_of.year - since.year
    if add_months(since, 12 * years) > as_of:
        years -= 1
    return max(0, years)


def _revenue(facts: ScorecardFacts, policy: TierPolicy, currency: str) -> tuple[Decimal, str]:
    score = _pct(facts.net_revenue_12m / policy.value_high * HUNDRED)
    return score, (
        f"12-month net revenue {facts.net_revenue_12m:,.2f} {currency} against "
        f"{policy.value_high:,} for full marks"
    )


def _frequency(facts: ScorecardFacts, policy: TierPolicy) -> tuple[Decimal, str]:
    score = _pct(Decimal(facts.order_count_12m) / policy.frequency_high * HUNDRED)
    return score, f"{facts.order_count_12m} orders in 12 months against {policy.frequency_high}"


def _recency(
    facts: ScorecardFacts, policy: TierPolicy, as_of: datetime
) -> tuple[Decimal | None, str]:
    if facts.last_order_at is None:
        return None, "no order yet"
    elapsed = as_of - facts.last_order_at
    days = elapsed.days
    for band in policy.recency_bands:
        if elapsed <= timedelta(days=band.within_days):
            return Decimal(band.score), f"last order {days} days ago (within {band.within_days})"
    last = policy.recency_bands[-1].within_days
    return Decimal(0), f"last order {days} days ago (more than {last})"


def _satisfaction(facts: ScorecardFacts) -> tuple[Decimal | None, str]:
    parts: list[Decimal] = []
    words: list[str] = []
    if facts.csat_average is not None:
        parts.append((facts.csat_average - 1) / 4 * HUNDRED)
        words.append(f"CSAT {facts.csat_average:.1f}/5")
    if facts.nps_average is not None:
        parts.append(facts.nps_average * 10)
        words.append(f"recommend {facts.nps_average:.1f}/10")
    if not parts:
        return None, "no satisfaction feedback in 12 months (engagement service): not scored"
    detail = f"{' and '.join(words)} from {facts.feedback_count_12m} answers in 12 months"
    return _pct(sum(parts, Decimal(0)) / len(parts)), detail


def _complaint_rate(facts: ScorecardFacts, policy: TierPolicy) -> tuple[Decimal | None, str]:
    if not facts.complaints_known:
        return None, "no complaint data from the complaints service yet: not scored"
    orders = max(facts.order_count_12m, 1)
    rate = Decimal(facts.complaints_12m) / orders
    score = _pct(HUNDRED * (1 - rate / policy.complaint_rate_zero))
    return score, (
        f"{facts.complaints_12m} complaints for {facts.order_count_12m} orders in 12 months "
        f"({rate:.2f} per order; {policy.complaint_rate_zero} scores 0)"
    )


def _tenure(
    facts: ScorecardFacts, policy: TierPolicy, as_of: datetime
) -> tuple[Decimal | None, str]:
    if facts.first_order_at is None:
        return None, "no order yet"
    years = full_years(facts.first_order_at, as_of)
    score = _pct(Decimal(years) / policy.tenure_full_years * HUNDRED)
    return score, (
        f"{years} full years since the first order on {facts.first_order_at:%Y-%m-%d} "
        f"against {policy.tenure_full_years}"
    )


def _referrals(facts: ScorecardFacts, policy: TierPolicy) -> tuple[Decimal, str]:
    score = _pct(Decimal(facts.referrals) / policy.referrals_full * HUNDRED)
    return score, f"{facts.referrals} accounts referred against {policy.referrals_full}"


def score_account(
    facts: ScorecardFacts, policy: TierPolicy, as_of: datetime, currency: str
) -> Scorecard:
    """Score every indicator, combine them by weight and grade the result (no hysteresis)."""
    computed: dict[str, tuple[Decimal | None, str]] = {
        "revenue": _revenue(facts, policy, currency),
        "frequency": _frequency(facts, policy),
        "recency": _recency(facts, policy, as_of),
        "satisfaction": _satisfaction(facts),
        "complaint_rate": _complaint_rate(facts, policy),
        "tenure": _tenure(facts, policy, as_of),
        "referrals": _referrals(facts, policy),
    }
    indicators = tuple(
        IndicatorResult(name, policy.weights.get(name, 0), score, detail)
        for name, (score, detail) in computed.items()
    )
    scored = [i for i in indicators if i.score is not None and i.weight > 0]
    weight = sum(i.weight for i in scored)
    total = sum((i.weight * i.score for i in scored if i.score is not None), Decimal(0))
    score = _pct(total / weight) if weight else Decimal(0)
    return Scorecard(indicators, score, class_of(score, policy.grade_bands()))


def held_grade(current: str | None, score: Decimal, policy: TierPolicy) -> str:
    """The grade to record, with hysteresis around the current grade."""
    return held_class(current, score, policy.grade_bands(), policy.grade_margin)


def next_scorecard_change(
    facts: ScorecardFacts, policy: TierPolicy, as_of: datetime
) -> datetime | None:
    """The next moment the scorecard moves by time alone: a recency band or a tenure year ends."""
    moments: list[datetime] = []
    if facts.last_order_at is not None:
        for band in policy.recency_bands:
            edge = facts.last_order_at + timedelta(days=band.within_days, microseconds=1)
            if edge > as_of:
                moments.append(edge)
                break
    if facts.first_order_at is not None:
        years = full_years(facts.first_order_at, as_of)
        if years < policy.tenure_full_years:
            moments.append(add_months(facts.first_order_at, 12 * (years + 1)))
    return min(moments, default=None)

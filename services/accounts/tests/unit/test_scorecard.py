"""The weighted relationship scorecard: indicators, missing data, grades at 80/60/40."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.domain.scorecard import ScorecardFacts, next_scorecard_change, score_account
from accounts.domain.tier_policy import DEFAULT_WEIGHTS, TierPolicy

AS_OF = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POLICY = TierPolicy()

PERFECT = ScorecardFacts(
    net_revenue_12m=Decimal("500000"),
    order_count_12m=5,
    first_order_at=AS_OF - timedelta(days=4 * 366),
    last_order_at=AS_OF - timedelta(days=10),
    csat_average=Decimal(5),
    nps_average=Decimal(10),
    feedback_count_12m=2,
    complaints_12m=0,
    complaints_known=True,
    referrals=2,
)


def indicator(facts: ScorecardFacts, name: str) -> tuple[Decimal | None, str]:
    card = score_account(facts, POLICY, AS_OF, "CNY")
    found = next(i for i in card.indicators if i.indicator == name)
    return found.score, found.detail


def test_full_marks_everywhere_is_100_and_grade_a() -> None:
    card = score_account(PERFECT, POLICY, AS_OF, "CNY")
    assert card.score == 100
    assert card.raw_grade == "A"
    assert card.missing == []


# With only revenue weighted, the score is revenue as a percentage of 500,000.
REVENUE_ONLY = replace(POLICY, weights={name: 0 for name in DEFAULT_WEIGHTS} | {"revenue": 100})


@pytest.mark.parametrize(
    ("revenue", "score", "grade"),
    [
        ("400000", "80.0", "A"),
        ("399750", "80.0", "A"),  # 79.95 rounds half up to one decimal
        ("399700", "79.9", "B"),
        ("300000", "60.0", "B"),
        ("299700", "59.9", "C"),
        ("200000", "40.0", "C"),
        ("199700", "39.9", "D"),
        ("0", "0.0", "D"),
    ],
)
def test_grade_boundaries_are_80_60_40(revenue: str, score: str, grade: str) -> None:
    facts = replace(PERFECT, net_revenue_12m=Decimal(revenue))
    card = score_account(facts, REVENUE_ONLY, AS_OF, "CNY")
    assert (card.score, card.raw_grade) == (Decimal(score), grade)


def test_missing_satisfaction_and_complaints_are_left_out_and_said() -> None:
    facts = replace(
        PERFECT, csat_average=None, nps_average=None, feedback_count_12m=0, complaints_known=False
    )
    card = score_account(facts, POLICY, AS_OF, "CNY")
    assert card.missing == ["satisfaction", "complaint_rate"]
    assert card.score == 100  # the other indicators carry the whole weight
    satisfaction = indicator(facts, "satisfaction")
    assert satisfaction[0] is None and "not scored" in satisfaction[1]
    assert "complaints service" in indicator(facts, "complaint_rate")[1]


def test_indicator_scales() -> None:
    facts = replace(
        PERFECT,
        net_revenue_12m=Decimal("250000"),
        order_count_12m=2,
        last_order_at=AS_OF - timedelta(days=45),
        first_order_at=AS_OF - timedelta(days=400),
        csat_average=Decimal(4),
        nps_average=None,
        complaints_12m=1,
        referrals=1,
    )
    assert indicator(facts, "revenue")[0] == 50
    assert indicator(facts, "frequency")[0] == 40
    assert indicator(facts, "recency") == (Decimal(70), "last order 45 days ago (within 90)")
    assert indicator(facts, "satisfaction")[0] == 75
    assert indicator(facts, "complaint_rate")[0] == 0  # 1 complaint for 2 orders = 0.5 per order
    assert indicator(facts, "tenure")[0] == Decimal("33.3")
    assert indicator(facts, "referrals")[0] == 50


@pytest.mark.parametrize(
    ("days", "score"), [(30, 100), (31, 70), (90, 70), (180, 40), (365, 10), (366, 0)]
)
def test_recency_bands_at_their_edges(days: int, score: int) -> None:
    facts = replace(PERFECT, last_order_at=AS_OF - timedelta(days=days))
    assert indicator(facts, "recency")[0] == score


def test_no_order_yet_has_no_recency_or_tenure() -> None:
    facts = replace(PERFECT, last_order_at=None, first_order_at=None, order_count_12m=0)
    assert indicator(facts, "recency")[0] is None
    assert indicator(facts, "tenure")[0] is None


def test_the_next_time_driven_change_is_the_next_recency_edge_or_tenure_year() -> None:
    facts = replace(
        PERFECT,
        last_order_at=AS_OF - timedelta(days=10),
        first_order_at=datetime(2025, 6, 1, tzinfo=UTC),
    )
    assert next_scorecard_change(facts, POLICY, AS_OF) == AS_OF + timedelta(days=20, microseconds=1)
    facts = replace(facts, last_order_at=AS_OF - timedelta(days=400))
    assert next_scorecard_change(facts, POLICY, AS_OF) == datetime(2027, 6, 1, tzinfo=UTC)

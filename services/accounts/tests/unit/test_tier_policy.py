"""The tier policy as versioned data: defaults of DOMAIN.md, validation, stored form."""

from dataclasses import replace
from decimal import Decimal

from accounts.domain.tier_policy import (
    DEFAULT_WEIGHTS,
    RecencyBand,
    TierPolicy,
    policy_from_document,
    policy_problems,
    policy_to_document,
)


def fields_with_problems(policy: TierPolicy) -> set[str]:
    return {problem.field for problem in policy_problems(policy)}


def test_defaults_are_the_domain_defaults_and_valid() -> None:
    policy = TierPolicy()
    assert (policy.grade_a, policy.grade_b, policy.grade_c) == (80, 60, 40)
    assert (policy.abc_a_share, policy.abc_b_share) == (Decimal("0.80"), Decimal("0.15"))
    assert sum(policy.weights.values()) == 100
    assert set(policy.weights) == {
        "revenue",
        "frequency",
        "recency",
        "satisfaction",
        "complaint_rate",
        "tenure",
        "referrals",
    }
    assert policy_problems(policy) == []


def test_weights_must_add_up_to_100_and_name_known_indicators() -> None:
    assert "weights" in fields_with_problems(TierPolicy(weights={**DEFAULT_WEIGHTS, "revenue": 31}))
    unknown = {**DEFAULT_WEIGHTS, "charm": 0}
    assert any("charm" in p.message for p in policy_problems(TierPolicy(weights=unknown)))
    missing = {k: v for k, v in DEFAULT_WEIGHTS.items() if k != "referrals"}
    missing["revenue"] += 5
    assert any("referrals" in p.message for p in policy_problems(TierPolicy(weights=missing)))


def test_inconsistent_numbers_are_named() -> None:
    policy = TierPolicy(
        value_high=Decimal(1),
        value_medium=Decimal(2),
        frequency_high=3,
        frequency_medium=3,
        abc_a_share=Decimal("0.9"),
        abc_b_share=Decimal("0.1"),
        grade_a=Decimal(60),
        grade_b=Decimal(60),
        recommendations={"A": "maintain", "B": "keep", "C": "improve", "D": "end"},
        recency_bands=(RecencyBand(90, 50), RecencyBand(30, 100)),
    )
    assert fields_with_problems(policy) >= {
        "value_high",
        "frequency_high",
        "abc_b_share",
        "grade_a",
        "recommendations",
        "recency_bands",
    }


def test_document_round_trip_keeps_every_number() -> None:
    policy = replace(
        TierPolicy(),
        value_high=Decimal("800000"),
        weights={**DEFAULT_WEIGHTS, "revenue": 25, "referrals": 10},
        recency_bands=(RecencyBand(45, 100), RecencyBand(400, 20)),
    )
    document = policy_to_document(policy)
    assert document["value_high"] == "800000"
    assert policy_from_document(document, version=7) == replace(policy, version=7)


def test_an_older_document_takes_todays_defaults_for_missing_fields() -> None:
    assert policy_from_document({"grade_a": "85"}, version=2) == replace(
        TierPolicy(), version=2, grade_a=Decimal(85)
    )

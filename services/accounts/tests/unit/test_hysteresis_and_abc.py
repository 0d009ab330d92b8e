"""ABC (Pareto) splits and the hysteresis rule that keeps accounts near a boundary still."""

from decimal import Decimal

import pytest

from accounts.domain.abc import abc_class, shares_ranked_above
from accounts.domain.hysteresis import held_class
from accounts.domain.scorecard import held_grade
from accounts.domain.tier_policy import TierPolicy

POLICY = TierPolicy()


def classes(revenues: dict[str, str], policy: TierPolicy = POLICY) -> dict[str, str]:
    shares = shares_ranked_above({k: Decimal(v) for k, v in revenues.items()})
    return {account: abc_class(shares.get(account), None, policy) for account in revenues}


def test_the_accounts_making_the_first_80_percent_are_a_the_next_15_b_the_rest_c() -> None:
    revenues = {"a1": "50", "a2": "30", "b1": "10", "b2": "5", "c1": "5"}
    assert classes(revenues) == {
        "a1": "A",
        "a2": "A",  # 50% ranked above: still inside the first 80%
        "b1": "B",  # exactly 80% ranked above: the first 80% is full
        "b2": "B",  # 90% ranked above
        "c1": "C",  # exactly 95% ranked above
    }


def test_the_top_account_is_a_even_when_it_alone_earns_more_than_80_percent() -> None:
    # The minnow's revenue starts at 90%: inside the next 15%.
    assert classes({"whale": "90", "minnow": "10"}) == {"whale": "A", "minnow": "B"}


def test_accounts_without_revenue_are_c_and_ties_rank_by_id() -> None:
    assert classes({"b": "10", "a": "10", "none": "0"}) == {"a": "A", "b": "A", "none": "C"}
    assert classes({"only": "0"}) == {"only": "C"}


def test_the_split_is_policy() -> None:
    revenues = {"a1": "50", "b1": "30", "b2": "10", "c1": "5", "c2": "5"}
    policy = TierPolicy(abc_a_share=Decimal("0.5"), abc_b_share=Decimal("0.4"))
    assert classes(revenues, policy) == {"a1": "A", "b1": "B", "b2": "B", "c1": "C", "c2": "C"}


BANDS = {
    "high": (Decimal(10), None),
    "low": (None, Decimal(10)),
}


@pytest.mark.parametrize(
    ("current", "measure", "expected"),
    [
        (None, "9.9", "low"),  # a first decision is never held back
        (None, "10", "high"),
        ("low", "10", "low"),  # crossed the boundary, not the margin
        ("low", "10.9", "low"),
        ("low", "11", "high"),  # beyond the margin: moves
        ("high", "9", "high"),  # the margin holds on the way down too
        ("high", "8.9", "low"),
    ],
)
def test_a_class_is_held_within_the_margin_around_its_band(
    current: str | None, measure: str, expected: str
) -> None:
    assert held_class(current, Decimal(measure), BANDS, Decimal(1)) == expected


@pytest.mark.parametrize(
    ("current", "score", "expected"),
    [
        ("B", "81.9", "B"),
        ("B", "82.0", "A"),
        ("A", "78.0", "A"),
        ("A", "77.9", "B"),
        ("A", "50", "C"),  # a fall across bands is not held back
        ("D", "42", "C"),
        ("C", "38.1", "C"),
    ],
)
def test_grade_hysteresis_uses_the_policy_margin(current: str, score: str, expected: str) -> None:
    assert held_grade(current, Decimal(score), POLICY) == expected


def test_abc_hysteresis_holds_a_class_near_the_80_percent_line() -> None:
    assert abc_class(Decimal("0.81"), "A", POLICY) == "A"
    assert abc_class(Decimal("0.82"), "A", POLICY) == "B"
    assert abc_class(Decimal("0.79"), "B", POLICY) == "B"
    assert abc_class(Decimal("0.7799"), "B", POLICY) == "A"
    assert abc_class(None, "A", POLICY) == "C"

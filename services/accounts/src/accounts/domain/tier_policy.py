"""The tier policy: every number of tiering, as versioned data (DOMAIN.md §1, Tiering).

A policy is a document: drafts are written, previewed and activated; exactly one is active.
Every tier decision records the version that produced it.
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from accounts.domain.classification import ClassificationPolicy
from chassis.errors import Problem

Grade = Literal["A", "B", "C", "D"]
AbcClass = Literal["A", "B", "C"]
Recommendation = Literal["improve", "maintain", "end"]

GRADES: tuple[Grade, ...] = ("A", "B", "C", "D")
ABC_CLASSES: tuple[AbcClass, ...] = ("A", "B", "C")
RECOMMENDATIONS: tuple[Recommendation, ...] = ("improve", "maintain", "end")

# The handbook's relationship-evaluation indicators, in the order the scorecard shows them.
INDICATORS: tuple[str, ...] = (
    "revenue",
    "frequency",
    "recency",
    "satisfaction",
    "complaint_rate",
    "tenure",
    "referrals",
)

DEFAULT_WEIGHTS: dict[str, int] = {
    "revenue": 30,
    "frequency": 15,
    "recency": 15,
    "satisfaction": 15,
    "complaint_rate": 10,
    "tenure": 10,
    "referrals": 5,
}


@dataclass(frozen=True)
class RecencyBand:
    """A last order at most `within_days` ago scores `score`."""

    within_days: int
    score: int


DEFAULT_RECENCY_BANDS: tuple[RecencyBand, ...] = (
    RecencyBand(30, 100),
    RecencyBand(90, 70),
    RecencyBand(180, 40),
    RecencyBand(365, 10),
)


@dataclass(frozen=True)
class TierPolicy:
    """Thresholds, ABC split, scorecard weights and scales, grades, recommendations, hysteresis."""

    version: int = 0
    value_high: Decimal = Decimal("500000")
    value_medium: Decimal = Decimal("300000")
    frequency_high: int = 5
    frequency_medium: int = 3
    # ABC: accounts making the first 80% of revenue are A, the next 15% B, the rest C.
    abc_a_share: Decimal = Decimal("0.80")
    abc_b_share: Decimal = Decimal("0.15")
    weights: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    recency_bands: tuple[RecencyBand, ...] = DEFAULT_RECENCY_BANDS
    # Complaints per order at which the complaint-rate indicator reaches 0.
    complaint_rate_zero: Decimal = Decimal("0.5")
    # Full years of cooperation that score 100 on tenure; referred accounts that score 100.
    tenure_full_years: int = 3
    referrals_full: int = 2
    grade_a: Decimal = Decimal("80")
    grade_b: Decimal = Decimal("60")
    grade_c: Decimal = Decimal("40")
    recommendations: Mapping[str, str] = field(
        default_factory=lambda: {"A": "maintain", "B": "improve", "C": "improve", "D": "end"}
    )
    # Hysteresis: a grade (ABC class) is kept while the score (share) stays within this
    # margin of its band (docs/decisions/0004-tier-hysteresis.md).
    grade_margin: Decimal = Decimal("2")
    abc_margin: Decimal = Decimal("0.02")

    @property
    def classification(self) -> ClassificationPolicy:
        return ClassificationPolicy(
            value_high=self.value_high,
            value_medium=self.value_medium,
            frequency_high=self.frequency_high,
            frequency_medium=self.frequency_medium,
        )

    def grade_bands(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        """Each grade's score band [low, high): A from grade_a up, D below grade_c."""
        return {
            "A": (self.grade_a, None),
            "B": (self.grade_b, self.grade_a),
            "C": (self.grade_c, self.grade_b),
            "D": (None, self.grade_c),
        }

    def abc_bands(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        """Each ABC class's band of `share of revenue ranked above the account` [low, high)."""
        b_end = self.abc_a_share + self.abc_b_share
        return {"A": (None, self.abc_a_share), "B": (self.abc_a_share, b_end), "C": (b_end, None)}


def policy_problems(policy: TierPolicy) -> list[Problem]:
    """Everything that makes a policy unusable, each with the field it concerns."""
    problems: list[Problem] = []

    def check(ok: bool, name: str, message: str) -> None:
        if not ok:
            problems.append(Problem(name, message))

    check(policy.value_medium >= 0, "value_medium", "must not be negative")
    check(policy.value_high > policy.value_medium, "value_high", "must be above value_medium")
    check(policy.frequency_medium >= 1, "frequency_medium", "must be at least 1")
    check(
        policy.frequency_high > policy.frequency_medium,
        "frequency_high",
        "must be above frequency_medium",
    )
    check(0 < policy.abc_a_share < 1, "abc_a_share", "must be between 0 and 1")
    check(policy.abc_b_share > 0, "abc_b_share", "must be above 0")
    check(
        policy.abc_a_share + policy.abc_b_share < 1,
        "abc_b_share",
        "abc_a_share + abc_b_share must be below 1 (C takes the rest)",
    )
    unknown = sorted(set(policy.weights) - set(INDICATORS))
    check(not unknown, "weights", f"unknown indicators {unknown}; known: {list(INDICATORS)}")
    missing = sorted(set(INDICATORS) - set(policy.weights))
    check(not missing, "weights", f"missing indicators {missing} (use 0 to switch one off)")
    check(
        all(weight >= 0 for weight in policy.weights.values()),
        "weights",
        "weights must not be negative",
    )
    total = sum(policy.weights.values())
    check(total == 100, "weights", f"weights must add up to 100, not {total}")
    days = [band.within_days for band in policy.recency_bands]
    scores = [band.score for band in policy.recency_bands]
    check(bool(days), "recency_bands", "at least one band is needed")
    check(days == sorted(set(days)) and all(d > 0 for d in days), "recency_bands", "days must rise")
    check(
        scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores),
        "recency_bands",
        "scores must be 0-100 and fall as days rise",
    )
    check(policy.complaint_rate_zero > 0, "complaint_rate_zero", "must be above 0")
    check(policy.tenure_full_years >= 1, "tenure_full_years", "must be at least 1")
    check(policy.referrals_full >= 1, "referrals_full", "must be at least 1")
    check(
        100 >= policy.grade_a > policy.grade_b > policy.grade_c > 0,
        "grade_a",
        "grade boundaries must satisfy 100 >= grade_a > grade_b > grade_c > 0",
    )
    check(
        set(policy.recommendations) == set(GRADES)
        and all(value in RECOMMENDATIONS for value in policy.recommendations.values()),
        "recommendations",
        f"give each grade {list(GRADES)} one of {list(RECOMMENDATIONS)}",
    )
    check(0 <= policy.grade_margin < 10, "grade_margin", "must be 0 or more and below 10")
    check(0 <= policy.abc_margin < Decimal("0.1"), "abc_margin", "must be 0 or more, below 0.1")
    return problems


def policy_to_document(policy: TierPolicy) -> dict[str, Any]:
    """The stored form: JSON-ready, decimals as strings, without the version (a column)."""
    document = asdict(policy)
    document.pop("version")
    document["weights"] = dict(policy.weights)
    document["recommendations"] = dict(policy.recommendations)
    return {
        key: str(value) if isinstance(value, Decimal) else value for key, value in document.items()
    }


def policy_from_document(document: Mapping[str, Any], version: int) -> TierPolicy:
    """Read a stored document; fields it lacks take today's defaults (older documents)."""
    defaults = TierPolicy()
    values: dict[str, Any] = {}
    for name, default in asdict(defaults).items():
        if name == "version" or name not in document:
            continue
        raw = document[name]
        if isinstance(default, Decimal):
            values[name] = Decimal(str(raw))
        elif name == "recency_bands":
            values[name] = tuple(RecencyBand(int(b["within_days"]), int(b["score"])) for b in raw)
        elif isinstance(default, int):
            values[name] = int(raw)
        else:
            values[name] = dict(raw)
    return replace(defaults, version=version, **values)

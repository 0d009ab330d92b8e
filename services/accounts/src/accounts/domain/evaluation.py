"""One account's evaluation: tier (classes, ABC, graded scorecard), lifecycle and card freshness.

Pure: it reads facts gathered as of a moment and the account's current state, and says what
the account is now, what changed and why, and when time alone will change something next.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from accounts.domain.abc import abc_class
from accounts.domain.cards import CardPolicy, is_key_account, stale_after, stale_at
from accounts.domain.classification import (
    Classification,
    TrailingFigures,
    ages_out_at,
    classify,
    explain,
)
from accounts.domain.lifecycle import (
    LifecycleAssessment,
    LifecyclePolicy,
    OrderHistory,
    assess_lifecycle,
)
from accounts.domain.scorecard import (
    Scorecard,
    ScorecardFacts,
    held_grade,
    next_scorecard_change,
    score_account,
)
from accounts.domain.tier_policy import TierPolicy


@dataclass(frozen=True)
class AccountFacts:
    """Everything an evaluation reads about one account, gathered as of one moment."""

    account_id: str
    registered_at: datetime
    figures: TrailingFigures
    history: OrderHistory
    signals: ScorecardFacts
    vip: bool
    card_reviewed_at: datetime | None
    # The oldest order, feedback and complaint still inside the 12-month window: when one ages
    # out, the figures change with no new event.
    oldest_in_window: tuple[datetime | None, ...] = ()


@dataclass(frozen=True)
class Tier:
    value_class: str
    frequency_class: str
    abc_class: str | None
    grade: str | None


@dataclass(frozen=True)
class CurrentState:
    """What is stored for the account now."""

    tier: Tier | None
    lifecycle_stage: str
    card_stale: bool


@dataclass(frozen=True)
class Evaluation:
    account_id: str
    figures: TrailingFigures
    first_order_at: datetime | None
    last_order_at: datetime | None
    tier: Tier
    previous_tier: Tier | None
    scorecard: Scorecard
    recommendation: str | None
    lifecycle: LifecycleAssessment
    key_account: bool
    card_stale: bool
    card_stale_after_days: int
    next_due: datetime | None

    @property
    def tier_changed(self) -> bool:
        return self.tier != self.previous_tier


def _grade_rule(grade: str, policy: TierPolicy) -> str:
    low, high = policy.grade_bands()[grade]
    if low is None:
        return f"< {high}"
    return f">= {low}" if high is None else f">= {low} and < {high}"


def tier_reason(
    previous: Tier | None,
    evaluation: Evaluation,
    policy: TierPolicy,
    currency: str,
    abc_share: Decimal | None,
) -> str:
    """A sentence per changed part of the tier, each naming the rule that decided it."""
    current = evaluation.tier
    before = (
        Classification(previous.value_class, previous.frequency_class)  # type: ignore[arg-type]
        if previous
        else None
    )
    after = Classification(current.value_class, current.frequency_class)  # type: ignore[arg-type]
    parts = [explain(before, after, evaluation.figures, policy.classification, currency)]
    if current.grade is not None and (previous is None or previous.grade != current.grade):
        arrow = f"{previous.grade} -> " if previous and previous.grade else ""
        score = evaluation.scorecard.score
        held = ""
        if previous and previous.grade and policy.grade_margin:
            held = f", beyond the {policy.grade_margin}-point margin around {previous.grade}"
        parts.append(
            f"grade {arrow}{current.grade}: scorecard {score} is "
            f"{_grade_rule(str(current.grade), policy)}{held} ({evaluation.recommendation})"
        )
    if current.abc_class and (previous is None or previous.abc_class != current.abc_class):
        arrow = f"{previous.abc_class} -> " if previous and previous.abc_class else ""
        if abc_share is None:
            why = "no revenue in 12 months"
        else:
            why = f"accounts ranked above it earn {abc_share:.1%} of all revenue"
        parts.append(f"ABC {arrow}{current.abc_class}: {why}")
    return "; ".join(part for part in parts if part)


def evaluate_account(
    facts: AccountFacts,
    current: CurrentState,
    *,
    as_of: datetime,
    policy: TierPolicy,
    lifecycle_policy: LifecyclePolicy,
    card_policy: CardPolicy,
    currency: str,
    abc_share: Decimal | None = None,
    recompute_abc: bool = False,
) -> Evaluation:
    """Evaluate one account. ABC needs every account's revenue, so it is only recomputed when
    the caller passes the account's share (`recompute_abc`); otherwise the stored class stays."""
    previous = current.tier
    classification = classify(facts.figures, policy.classification)
    scorecard = score_account(facts.signals, policy, as_of, currency)
    lifecycle = assess_lifecycle(facts.history, as_of, lifecycle_policy)
    # A prospect has no relationship to grade yet: it is graded from its first order on.
    graded = lifecycle.stage != "prospect"
    grade = (
        held_grade(previous.grade if previous else None, scorecard.score, policy)
        if graded
        else None
    )
    stored_abc = previous.abc_class if previous else None
    abc = abc_class(abc_share, stored_abc, policy) if recompute_abc else stored_abc
    tier = Tier(classification.value_class, classification.frequency_class, abc, grade)
    key_account = is_key_account(vip=facts.vip, grade=grade)
    reviewed = facts.card_reviewed_at or facts.registered_at
    card_due = stale_at(reviewed, key_account, card_policy)
    card_stale = as_of >= card_due
    moments = [
        *(ages_out_at(moment) for moment in facts.oldest_in_window if moment),
        lifecycle.next_change_at,
        next_scorecard_change(facts.signals, policy, as_of),
        None if card_stale else card_due,
    ]
    return Evaluation(
        account_id=facts.account_id,
        figures=facts.figures,
        first_order_at=facts.history.first_order_at,
        last_order_at=facts.history.last_order_at,
        tier=tier,
        previous_tier=previous,
        scorecard=scorecard,
        recommendation=policy.recommendations[grade] if grade else None,
        lifecycle=lifecycle,
        key_account=key_account,
        card_stale=card_stale,
        card_stale_after_days=stale_after(key_account, card_policy).days,
        next_due=min((m for m in moments if m is not None and m > as_of), default=None),
    )

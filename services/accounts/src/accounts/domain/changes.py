"""What a new evaluation changes against what is stored for the account, and the domain
events that change publishes. Pure: the repository stores the change, the unit of work
publishes its events."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.domain import events
from accounts.domain.evaluation import CurrentState, Evaluation, tier_reason
from accounts.domain.lifecycle import is_reactivation
from accounts.domain.tier_policy import TierPolicy


@dataclass(frozen=True)
class StoredAccount:
    """The stored evaluation of an account: what a new evaluation is compared with."""

    account_id: str
    registered_at: datetime
    vip: bool
    card_reviewed_at: datetime | None
    order_count_12m: int
    net_revenue_12m: Decimal
    first_order_at: datetime | None
    last_order_at: datetime | None
    state: CurrentState
    score: Decimal | None
    recommendation: str | None
    policy_version: int | None
    classified_at: datetime | None
    lifecycle_changed_at: datetime | None
    lifecycle_reason: str | None
    next_evaluation_at: datetime | None


def scorecard_document(
    evaluation: Evaluation, policy: TierPolicy, as_of: datetime
) -> dict[str, Any]:
    """The scorecard as stored with the account and each tier decision (JSON)."""
    card = evaluation.scorecard
    return {
        "evaluated_at": as_of.isoformat(),
        "policy_version": policy.version,
        "score": str(card.score),
        "raw_grade": card.raw_grade,
        "missing": card.missing,
        "indicators": [
            {
                "indicator": i.indicator,
                "weight": i.weight,
                "score": None if i.score is None else str(i.score),
                "detail": i.detail,
            }
            for i in card.indicators
        ],
    }


@dataclass(frozen=True)
class EvaluationChange:
    """An evaluation that changes something stored for its account."""

    stored: StoredAccount
    evaluation: Evaluation
    policy: TierPolicy
    as_of: datetime
    abc_share: Decimal | None
    # The rules that moved the tier; None when the tier stays.
    tier_reason: str | None
    events: tuple[events.DomainEvent, ...]

    @property
    def account_id(self) -> str:
        return self.evaluation.account_id

    @property
    def score(self) -> Decimal | None:
        """The stored score: only a graded account has one."""
        return self.evaluation.scorecard.score if self.evaluation.tier.grade else None

    @property
    def stage_changed(self) -> bool:
        return self.stored.state.lifecycle_stage != self.evaluation.lifecycle.stage

    @property
    def revenue_moved(self) -> bool:
        return self.stored.net_revenue_12m != self.evaluation.figures.net_revenue

    @property
    def reschedules(self) -> bool:
        return self.stored.next_evaluation_at != self.evaluation.next_due


def changes_nothing(stored: StoredAccount, evaluation: Evaluation, policy: TierPolicy) -> bool:
    """Would storing this evaluation leave the account's stored row as it is?"""
    score = evaluation.scorecard.score if evaluation.tier.grade else None
    return (
        stored.order_count_12m == evaluation.figures.order_count
        and stored.net_revenue_12m == evaluation.figures.net_revenue
        and not evaluation.tier_changed
        and stored.score == score
        and stored.recommendation == evaluation.recommendation
        and stored.policy_version == policy.version
        and stored.state.lifecycle_stage == evaluation.lifecycle.stage
        and stored.state.card_stale == evaluation.card_stale
        and (stored.first_order_at, stored.last_order_at)
        == (evaluation.first_order_at, evaluation.last_order_at)
        and stored.next_evaluation_at == evaluation.next_due
    )


def evaluation_change(
    stored: StoredAccount,
    evaluation: Evaluation,
    *,
    policy: TierPolicy,
    currency: str,
    abc_share: Decimal | None,
    as_of: datetime,
) -> EvaluationChange | None:
    """What storing this evaluation changes, with its events; None when nothing changes."""
    if changes_nothing(stored, evaluation, policy):
        return None
    happened: list[events.DomainEvent] = []
    reason = None
    if evaluation.tier_changed:
        reason = tier_reason(stored.state.tier, evaluation, policy, currency, abc_share)
        happened.append(
            events.TierChanged(
                evaluation=evaluation,
                previous=stored.state.tier,
                reason=reason,
                policy=policy,
                currency=currency,
                at=as_of,
            )
        )
    lifecycle = evaluation.lifecycle
    if stored.state.lifecycle_stage != lifecycle.stage:
        happened.append(
            events.LifecycleStageChanged(
                account_id=evaluation.account_id,
                stage=lifecycle.stage,
                previous_stage=stored.state.lifecycle_stage,
                reactivated=is_reactivation(stored.state.lifecycle_stage, lifecycle.stage),
                reason=lifecycle.reason,
                last_order_at=evaluation.last_order_at,
                usual_interval=lifecycle.usual_interval,
                at=as_of,
            )
        )
    if evaluation.card_stale and not stored.state.card_stale:
        happened.append(
            events.CardFlaggedStale(
                account_id=evaluation.account_id,
                last_reviewed_at=stored.card_reviewed_at,
                stale_after_days=evaluation.card_stale_after_days,
                key_account=evaluation.key_account,
                at=as_of,
            )
        )
    return EvaluationChange(
        stored=stored,
        evaluation=evaluation,
        policy=policy,
        as_of=as_of,
        abc_share=abc_share,
        tier_reason=reason,
        events=tuple(happened),
    )

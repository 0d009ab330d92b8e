"""Evaluate accounts: figures, tier, lifecycle and card freshness, then record what changed.

Every path that changes what an evaluation reads (ERP batches, signals, card reviews, VIP,
referrals, timers, policy activation) ends here, so the rules live in one place. Evaluations
hold the tier-policy lock shared, then the accounts' locks, in that order.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from accounts.adapters.repository import StoredAccount
from accounts.domain.abc import shares_ranked_above
from accounts.domain.cards import CardPolicy
from accounts.domain.classification import window_start
from accounts.domain.evaluation import Evaluation, evaluate_account, tier_reason
from accounts.domain.lifecycle import LifecyclePolicy, is_reactivation
from accounts.domain.tier_policy import TierPolicy
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from contracts.accounts_v1 import (
    AccountCardStale,
    AccountClassified,
    AccountLifecycleChanged,
    ClassificationInputs,
    IndicatorScore,
)

ABC_TIMER = "abc"


@dataclass(frozen=True)
class EvaluationRules:
    """The configured rules an evaluation needs besides the versioned tier policy."""

    currency: str
    default_policy: TierPolicy
    lifecycle: LifecyclePolicy
    cards: CardPolicy
    recent_orders: int
    abc_refresh_delay: timedelta
    chunk_size: int


@dataclass(frozen=True)
class Assessed:
    """An account's evaluation next to what is stored for it."""

    stored: StoredAccount
    evaluation: Evaluation
    abc_share: Decimal | None


async def active_policy(
    uow: AccountsUnitOfWork, rules: EvaluationRules, at: datetime
) -> TierPolicy:
    """The active tier policy, held (shared lock) until the transaction ends.

    The first evaluation ever stores version 1 from the settings.
    """
    await uow.accounts.lock_policy_shared()
    policy = await uow.policies.active()
    if policy is None:
        await uow.policies.seed(rules.default_policy, at=at)
        policy = await uow.policies.active()
        assert policy is not None
    return policy


async def fresh_abc_shares(uow: AccountsUnitOfWork, *, as_of: datetime) -> dict[str, Decimal]:
    """Every account's Pareto measure from 12-month revenue recomputed as of now."""
    ids = await uow.accounts.all_ids()
    figures = await uow.accounts.trailing_figures(ids, window_start=window_start(as_of))
    return shares_ranked_above(
        {account_id: revenue for account_id, (_, revenue) in figures.items()}
    )


async def assess_accounts(
    uow: AccountsUnitOfWork,
    *,
    account_ids: Collection[str],
    as_of: datetime,
    rules: EvaluationRules,
    policy: TierPolicy,
    abc_shares: dict[str, Decimal] | None = None,
) -> list[Assessed]:
    """Evaluate without writing anything. With `abc_shares`, ABC classes are recomputed."""
    stored = await uow.accounts.stored_accounts(account_ids)
    facts = await uow.accounts.evaluation_facts(
        stored, as_of=as_of, window_start=window_start(as_of), recent_orders=rules.recent_orders
    )
    assessed = []
    for account_id in sorted(stored):
        share = abc_shares.get(account_id) if abc_shares is not None else None
        evaluation = evaluate_account(
            facts[account_id],
            stored[account_id].state,
            as_of=as_of,
            policy=policy,
            lifecycle_policy=rules.lifecycle,
            card_policy=rules.cards,
            currency=rules.currency,
            abc_share=share,
            recompute_abc=abc_shares is not None,
        )
        assessed.append(Assessed(stored[account_id], evaluation, share))
    return assessed


def scorecard_document(
    evaluation: Evaluation, policy: TierPolicy, as_of: datetime
) -> dict[str, Any]:
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


def _classified_event(
    item: Assessed, policy: TierPolicy, rules: EvaluationRules, as_of: datetime, reason: str
) -> AccountClassified:
    evaluation, previous = item.evaluation, item.stored.state.tier
    figures = evaluation.figures
    inputs = ClassificationInputs(
        order_count_12m=figures.order_count,
        net_revenue_12m=figures.net_revenue,
        currency=rules.currency,
        window_start=figures.window_start,
        window_end=as_of,
        value_high_threshold=policy.value_high,
        value_medium_threshold=policy.value_medium,
        frequency_high_threshold=policy.frequency_high,
        frequency_medium_threshold=policy.frequency_medium,
    )
    tier = evaluation.tier
    return AccountClassified(
        account_id=evaluation.account_id,
        value_class=tier.value_class,
        frequency_class=tier.frequency_class,
        previous_value_class=previous.value_class if previous else None,
        previous_frequency_class=previous.frequency_class if previous else None,
        reason=reason,
        inputs=inputs,
        classified_at=as_of,
        abc_class=tier.abc_class,
        previous_abc_class=previous.abc_class if previous else None,
        grade=tier.grade,
        previous_grade=previous.grade if previous else None,
        score=evaluation.scorecard.score if tier.grade else None,
        recommendation=evaluation.recommendation,
        indicators=[
            IndicatorScore(indicator=i.indicator, weight=i.weight, score=i.score, detail=i.detail)
            for i in evaluation.scorecard.indicators
        ],
        policy_version=policy.version,
    )


async def record_assessments(
    uow: AccountsUnitOfWork,
    assessed: Sequence[Assessed],
    *,
    as_of: datetime,
    rules: EvaluationRules,
    policy: TierPolicy,
) -> list[str]:
    """Store what changed, publish an event per change, reschedule the time-driven evaluation.

    Returns the ids of the accounts whose tier changed.
    """
    rows: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    stage_changes: list[dict[str, Any]] = []
    due: dict[str, datetime | None] = {}
    tier_changed: list[str] = []
    revenue_moved = False
    for item in assessed:
        stored, evaluation = item.stored, item.evaluation
        account_id = evaluation.account_id
        lifecycle = evaluation.lifecycle
        row = {
            "account_id": account_id,
            "order_count_12m": evaluation.figures.order_count,
            "net_revenue_12m": evaluation.figures.net_revenue,
            "value_class": evaluation.tier.value_class,
            "frequency_class": evaluation.tier.frequency_class,
            "abc_class": evaluation.tier.abc_class,
            "grade": evaluation.tier.grade,
            "score": evaluation.scorecard.score if evaluation.tier.grade else None,
            "recommendation": evaluation.recommendation,
            "policy_version": policy.version,
            "classified_at": stored.classified_at,
            "lifecycle_stage": lifecycle.stage,
            "lifecycle_changed_at": stored.lifecycle_changed_at,
            "lifecycle_reason": stored.lifecycle_reason,
            "first_order_at": evaluation.first_order_at,
            "last_order_at": evaluation.last_order_at,
            "card_stale": evaluation.card_stale,
            "next_evaluation_at": evaluation.next_due,
        }
        unchanged = (
            stored.order_count_12m == row["order_count_12m"]
            and stored.net_revenue_12m == row["net_revenue_12m"]
            and not evaluation.tier_changed
            and stored.score == row["score"]
            and stored.recommendation == row["recommendation"]
            and stored.policy_version == policy.version
            and stored.state.lifecycle_stage == lifecycle.stage
            and stored.state.card_stale == evaluation.card_stale
            and (stored.first_order_at, stored.last_order_at)
            == (row["first_order_at"], row["last_order_at"])
            and stored.next_evaluation_at == evaluation.next_due
        )
        if unchanged:
            continue
        revenue_moved |= stored.net_revenue_12m != row["net_revenue_12m"]
        row["scorecard"] = scorecard_document(evaluation, policy, as_of)
        if evaluation.tier_changed:
            reason = tier_reason(
                stored.state.tier, evaluation, policy, rules.currency, item.abc_share
            )
            event = _classified_event(item, policy, rules, as_of, reason)
            uow.outbox.add(event)
            row["classified_at"] = as_of
            tier_changed.append(account_id)
            decisions.append(
                {
                    "account_id": account_id,
                    "decided_at": as_of,
                    "value_class": evaluation.tier.value_class,
                    "frequency_class": evaluation.tier.frequency_class,
                    "abc_class": evaluation.tier.abc_class,
                    "grade": evaluation.tier.grade,
                    "score": row["score"],
                    "recommendation": evaluation.recommendation,
                    "policy_version": policy.version,
                    "reason": reason,
                    "inputs": {
                        **event.inputs.model_dump(mode="json"),
                        "abc_share_ranked_above": None
                        if item.abc_share is None
                        else str(item.abc_share),
                        "scorecard": row["scorecard"],
                    },
                }
            )
        if stored.state.lifecycle_stage != lifecycle.stage:
            reactivated = is_reactivation(stored.state.lifecycle_stage, lifecycle.stage)
            row["lifecycle_changed_at"] = as_of
            row["lifecycle_reason"] = lifecycle.reason
            interval = lifecycle.usual_interval
            uow.outbox.add(
                AccountLifecycleChanged(
                    account_id=account_id,
                    stage=lifecycle.stage,
                    previous_stage=stored.state.lifecycle_stage,
                    reactivated=reactivated,
                    reason=lifecycle.reason,
                    last_order_at=row["last_order_at"],
                    usual_interval_days=None
                    if interval is None
                    else round(interval / timedelta(days=1)),
                    changed_at=as_of,
                )
            )
            stage_changes.append(
                {
                    "account_id": account_id,
                    "changed_at": as_of,
                    "previous_stage": stored.state.lifecycle_stage,
                    "stage": lifecycle.stage,
                    "reactivated": reactivated,
                    "reason": lifecycle.reason,
                }
            )
        if evaluation.card_stale and not stored.state.card_stale:
            uow.outbox.add(
                AccountCardStale(
                    account_id=account_id,
                    last_reviewed_at=stored.card_reviewed_at,
                    stale_after_days=evaluation.card_stale_after_days,
                    key_account=evaluation.key_account,
                    flagged_at=as_of,
                )
            )
        if stored.next_evaluation_at != evaluation.next_due:
            due[account_id] = evaluation.next_due
        rows.append(row)
    await uow.accounts.save_evaluations(rows)
    await uow.accounts.add_tier_decisions(decisions)
    await uow.accounts.add_lifecycle_changes(stage_changes)
    await uow.accounts.reschedule_evaluations(due)
    if revenue_moved:
        # Revenue moved, so the Pareto ranking of every account may have: refresh ABC soon.
        await uow.accounts.ensure_timer(ABC_TIMER, ABC_TIMER, as_of + rules.abc_refresh_delay)
    return tier_changed


async def evaluate_accounts(
    *,
    uow: AccountsUnitOfWork,
    account_ids: Collection[str],
    as_of: datetime,
    rules: EvaluationRules,
    policy: TierPolicy,
    abc_shares: dict[str, Decimal] | None = None,
) -> list[str]:
    """Assess and record some accounts (the caller holds the policy and account locks)."""
    assessed = await assess_accounts(
        uow, account_ids=account_ids, as_of=as_of, rules=rules, policy=policy, abc_shares=abc_shares
    )
    return await record_assessments(uow, assessed, as_of=as_of, rules=rules, policy=policy)

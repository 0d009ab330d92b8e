"""Evaluate accounts: figures, tier, lifecycle and card freshness, then record what changed.

Every path that changes what an evaluation reads (ERP batches, signals, card reviews, VIP,
referrals, timers, policy activation) ends here, so the rules live in one place. Evaluations
hold the tier-policy lock shared, then the accounts' locks, in that order.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from accounts.domain import timers
from accounts.domain.abc import shares_ranked_above
from accounts.domain.cards import CardPolicy
from accounts.domain.changes import StoredAccount, evaluation_change
from accounts.domain.classification import window_start
from accounts.domain.evaluation import Evaluation, evaluate_account
from accounts.domain.lifecycle import LifecyclePolicy
from accounts.domain.tier_policy import TierPolicy
from accounts.service_layer.unit_of_work import AccountsUnitOfWork


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
    await uow.locks.lock_policy_shared()
    policy = await uow.policies.active()
    if policy is None:
        await uow.policies.seed(rules.default_policy, at=at)
        policy = await uow.policies.active()
        assert policy is not None
    return policy


async def fresh_abc_shares(uow: AccountsUnitOfWork, *, as_of: datetime) -> dict[str, Decimal]:
    """Every account's Pareto measure from 12-month revenue recomputed as of now."""
    ids = await uow.accounts.all_ids()
    figures = await uow.evaluations.trailing_figures(ids, window_start=window_start(as_of))
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
    stored = await uow.evaluations.stored_accounts(account_ids)
    facts = await uow.evaluations.evaluation_facts(
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
    changes = [
        change
        for item in assessed
        if (
            change := evaluation_change(
                item.stored,
                item.evaluation,
                policy=policy,
                currency=rules.currency,
                abc_share=item.abc_share,
                as_of=as_of,
            )
        )
        is not None
    ]
    await uow.evaluations.save(changes)
    for change in changes:
        uow.publish(*change.events)
    await uow.timers.reschedule_evaluations(
        {c.account_id: c.evaluation.next_due for c in changes if c.reschedules}
    )
    if any(change.revenue_moved for change in changes):
        # Revenue moved, so the Pareto ranking of every account may have: refresh ABC soon.
        await uow.timers.ensure_timer(timers.ABC_KEY, timers.ABC, as_of + rules.abc_refresh_delay)
    return [change.account_id for change in changes if change.tier_reason is not None]


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

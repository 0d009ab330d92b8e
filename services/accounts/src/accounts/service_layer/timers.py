"""Time-driven evaluation: what the durable timers (`accounts.domain.timers`) fire.

An account's `evaluate` timer is the moment time alone changes something for it: an order,
answer or complaint ages out of the 12-month window, a lifecycle stage is reached, a recency
band or tenure year ends, the card falls due for review.
"""

from collections.abc import Collection
from datetime import datetime
from decimal import Decimal

from accounts.domain import timers as kinds
from accounts.domain.abc import abc_class, shares_ranked_above
from accounts.domain.privacy import PrivacyRules
from accounts.domain.tier_policy import TierPolicy
from accounts.service_layer.evaluation import (
    EvaluationRules,
    active_policy,
    evaluate_accounts,
    fresh_abc_shares,
)
from accounts.service_layer.privacy import sweep_dormant_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.scheduler import DueTimer
from chassis.unit_of_work import SqlUnitOfWork


async def evaluate_in_chunks(
    uow: AccountsUnitOfWork,
    *,
    account_ids: Collection[str],
    as_of: datetime,
    rules: EvaluationRules,
    policy: TierPolicy,
    abc_shares: dict[str, Decimal] | None,
) -> list[str]:
    """Evaluate many accounts in one transaction, a chunk of bulk queries at a time."""
    ordered = sorted(account_ids)
    changed: list[str] = []
    for start in range(0, len(ordered), rules.chunk_size):
        changed += await evaluate_accounts(
            uow=uow,
            account_ids=ordered[start : start + rules.chunk_size],
            as_of=as_of,
            rules=rules,
            policy=policy,
            abc_shares=abc_shares,
        )
    return changed


async def refresh_abc(
    uow: AccountsUnitOfWork, *, as_of: datetime, rules: EvaluationRules, policy: TierPolicy
) -> list[str]:
    """Recompute the Pareto ranking; evaluate (and publish) the accounts whose class moves."""
    stored = await uow.evaluations.all_revenues()
    shares = shares_ranked_above(
        {account_id: revenue for account_id, (revenue, _) in stored.items()}
    )
    moving = [
        account_id
        for account_id, (_, current) in stored.items()
        if abc_class(shares.get(account_id), current, policy) != current
    ]
    return await evaluate_in_chunks(
        uow, account_ids=moving, as_of=as_of, rules=rules, policy=policy, abc_shares=shares
    )


async def handle_due_timers(
    *,
    uow: SqlUnitOfWork,
    timers: list[DueTimer],
    now: datetime,
    rules: EvaluationRules,
    privacy: PrivacyRules,
) -> None:
    """Fire a batch of due timers inside the scheduler's unit of work."""
    assert isinstance(uow, AccountsUnitOfWork)
    due_kinds = {timer.kind for timer in timers}
    if kinds.ERASE_DORMANT in due_kinds:
        await sweep_dormant_accounts(uow, now=now, rules=privacy)
        timers = [timer for timer in timers if timer.kind != kinds.ERASE_DORMANT]
        if not timers:
            return
        due_kinds.discard(kinds.ERASE_DORMANT)
    accounts_due = {timer.payload["account_id"] for timer in timers if timer.kind == kinds.EVALUATE}
    if due_kinds & {kinds.EVALUATE_ALL, kinds.ABC}:
        # Work over every account: hold the policy lock exclusively instead of every account's.
        await uow.locks.lock_policy_exclusive()
        policy = await active_policy(uow, rules, now)
        if kinds.EVALUATE_ALL in due_kinds:
            shares = await fresh_abc_shares(uow, as_of=now)
            await evaluate_in_chunks(
                uow,
                account_ids=await uow.accounts.all_ids(),
                as_of=now,
                rules=rules,
                policy=policy,
                abc_shares=shares,
            )
            return
        await refresh_abc(uow, as_of=now, rules=rules, policy=policy)
    else:
        policy = await active_policy(uow, rules, now)
        await uow.locks.lock_accounts(accounts_due)
    await evaluate_in_chunks(
        uow, account_ids=accounts_due, as_of=now, rules=rules, policy=policy, abc_shares=None
    )

"""Tier policies: draft, preview (what would change, without applying), activate."""

from collections import Counter
from datetime import datetime
from typing import Any

from accounts.domain.evaluation import tier_reason
from accounts.domain.tier_policy import TierPolicy, policy_from_document, policy_problems
from accounts.service_layer.commands import ActivatePolicy, DraftPolicy
from accounts.service_layer.evaluation import (
    Assessed,
    EvaluationRules,
    active_policy,
    assess_accounts,
    fresh_abc_shares,
)
from accounts.service_layer.timers import evaluate_in_chunks
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import Conflict, Forbidden, NotFound, invalid
from chassis.messages import _

TIER_PARTS = ("value_class", "frequency_class", "abc_class", "grade")


async def draft_policy(
    *,
    uow: AccountsUnitOfWork,
    command: DraftPolicy,
    now: datetime,
    rules: EvaluationRules,
) -> int:
    """Store the policy as the next draft version (validated first); returns the version."""
    problems = policy_problems(command.policy)
    if problems:
        raise invalid(problems, "tier policy")
    async with uow:
        # Version 1 (from the settings) comes first, even before any account was evaluated.
        await active_policy(uow, rules, now)
        version = await uow.policies.add_draft(
            command.policy, note=command.note.strip(), by=command.actor.user, at=now
        )
        await uow.commit()
    return version


async def _draft(uow: AccountsUnitOfWork, version: int) -> TierPolicy:
    row = await uow.policies.get(version)
    if row is None:
        raise NotFound(
            _("no tier policy version %(version)s") % {"version": version},
            code="policy_not_found",
        )
    if row["status"] != "draft":
        raise Conflict(
            _("version %(version)s is %(status)s, not a draft")
            % {"version": version, "status": row["status"]},
            code="policy_not_draft",
        )
    return policy_from_document(row["document"], version)


def _tier(item: Assessed, after: bool) -> dict[str, str | None]:
    tier = item.evaluation.tier if after else item.stored.state.tier
    if tier is None:
        return dict.fromkeys(TIER_PARTS)
    return {part: getattr(tier, part) for part in TIER_PARTS}


def _distribution(tiers: list[dict[str, str | None]]) -> dict[str, dict[str, int]]:
    return {
        part: dict(sorted(Counter(str(t[part] or "none") for t in tiers).items()))
        for part in TIER_PARTS
    }


async def preview_policy(
    *, uow: AccountsUnitOfWork, version: int, now: datetime, rules: EvaluationRules
) -> dict[str, Any]:
    """Evaluate every account under a draft, as activation would, and write nothing."""
    async with uow:
        policy = await _draft(uow, version)
        shares = await fresh_abc_shares(uow, as_of=now)
        ids = await uow.accounts.all_ids()
        assessed: list[Assessed] = []
        for start in range(0, len(ids), rules.chunk_size):
            assessed += await assess_accounts(
                uow,
                account_ids=ids[start : start + rules.chunk_size],
                as_of=now,
                rules=rules,
                policy=policy,
                abc_shares=shares,
            )
        names = await uow.queries.names([item.stored.account_id for item in assessed])
    changes = [
        {
            "account_id": item.stored.account_id,
            "name": names[item.stored.account_id][0],
            "before": _tier(item, after=False),
            "after": _tier(item, after=True),
            "score": item.evaluation.scorecard.score,
            "reason": tier_reason(
                item.stored.state.tier, item.evaluation, policy, rules.currency, item.abc_share
            ),
        }
        for item in assessed
        if item.evaluation.tier_changed
    ]
    return {
        "version": version,
        "evaluated_at": now,
        "accounts": len(assessed),
        "distribution_now": _distribution([_tier(item, after=False) for item in assessed]),
        "distribution_after": _distribution([_tier(item, after=True) for item in assessed]),
        "changes": changes,
    }


async def activate_policy(
    *,
    uow: AccountsUnitOfWork,
    command: ActivatePolicy,
    now: datetime,
    rules: EvaluationRules,
) -> list[str]:
    """Switch to a draft and re-evaluate every account in the same transaction; each tier
    change is published. Returns the ids of the accounts whose tier changed."""
    if command.actor.role != "admin":
        raise Forbidden(_("only an admin can activate a tier policy"), code="admin_only")
    async with uow:
        # Exclusive: no evaluation under the old policy can commit after this one.
        await uow.locks.lock_policy_exclusive()
        policy = await _draft(uow, command.version)
        await uow.policies.activate(command.version, by=command.actor.user, at=now)
        shares = await fresh_abc_shares(uow, as_of=now)
        changed = await evaluate_in_chunks(
            uow,
            account_ids=await uow.accounts.all_ids(),
            as_of=now,
            rules=rules,
            policy=policy,
            abc_shares=shares,
        )
        await uow.commit()
    return changed

"""VIP: nominate, approve or reject, revoke; and the suggested candidates."""

from datetime import datetime
from typing import Any

from accounts.domain.events import VipGranted, VipNominated, VipRejected, VipRevoked
from accounts.domain.scope import Managers
from accounts.domain.vip import (
    Nomination,
    check_decision,
    check_nomination,
    check_revocation,
)
from accounts.service_layer.commands import DecideVip, NominateVip, RevokeVip
from accounts.service_layer.evaluation import EvaluationRules, active_policy, evaluate_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import NotFound
from chassis.messages import _


async def _account(uow: AccountsUnitOfWork, account_id: str) -> dict[str, Any]:
    account = await uow.accounts.account_row(account_id, for_update=True)
    if account is None:
        raise NotFound(
            _("no account with id %(id)r") % {"id": account_id}, code="account_not_found"
        )
    return account


async def nominate_vip(*, uow: AccountsUnitOfWork, command: NominateVip, now: datetime) -> int:
    account_id, actor = command.account_id, command.actor
    async with uow:
        account = await _account(uow, account_id)
        cleaned = check_nomination(
            reason=command.reason,
            is_vip=account["vip"],
            has_pending=await uow.vip.has_pending(account_id),
        )
        nomination_id = await uow.vip.nominate(
            account_id=account_id, reason=cleaned, by=actor.user, at=now
        )
        uow.publish(
            VipNominated(
                account_id=account_id,
                nomination_id=nomination_id,
                by=actor.user,
                reason=cleaned,
                at=now,
            )
        )
        await uow.commit()
    return nomination_id


async def decide_vip(
    *,
    uow: AccountsUnitOfWork,
    command: DecideVip,
    now: datetime,
    rules: EvaluationRules,
) -> str:
    """A supervisor approves or rejects; returns the account id."""
    nomination_id, approve, actor = command.nomination_id, command.approve, command.actor
    async with uow:
        policy = await active_policy(uow, rules, now)
        row = await uow.vip.get(nomination_id, for_update=True)
        if row is None:
            raise NotFound(
                _("no VIP nomination %(id)s") % {"id": nomination_id},
                code="nomination_not_found",
            )
        nomination = Nomination(
            nomination_id, row["account_id"], row["status"], row["nominated_by"], row["reason"]
        )
        cleaned = check_decision(
            nomination=nomination, actor=actor, approve=approve, note=command.note
        )
        account_id = nomination.account_id
        await uow.locks.lock_accounts([account_id])
        await uow.vip.decide(
            nomination_id,
            status="approved" if approve else "rejected",
            by=actor.user,
            at=now,
            note=cleaned,
        )
        if approve:
            await uow.accounts.update_account(account_id, vip=True, vip_since=now)
            uow.publish(
                VipGranted(
                    account_id=account_id,
                    nomination_id=nomination_id,
                    nominated_by=nomination.nominated_by,
                    by=actor.user,
                    reason=nomination.reason,
                    at=now,
                )
            )
            # A VIP is a key account: its card is reviewed more often.
            await evaluate_accounts(
                uow=uow, account_ids=[account_id], as_of=now, rules=rules, policy=policy
            )
        else:
            uow.publish(
                VipRejected(
                    account_id=account_id,
                    nomination_id=nomination_id,
                    nominated_by=nomination.nominated_by,
                    by=actor.user,
                    note=cleaned,
                    at=now,
                )
            )
        await uow.commit()
    return account_id


async def revoke_vip(
    *,
    uow: AccountsUnitOfWork,
    command: RevokeVip,
    now: datetime,
    rules: EvaluationRules,
) -> None:
    account_id, actor = command.account_id, command.actor
    async with uow:
        policy = await active_policy(uow, rules, now)
        await uow.locks.lock_accounts([account_id])
        account = await _account(uow, account_id)
        cleaned = check_revocation(actor=actor, is_vip=account["vip"], reason=command.reason)
        await uow.accounts.update_account(account_id, vip=False, vip_since=None)
        await uow.vip.mark_revoked(account_id, by=actor.user, at=now, reason=cleaned)
        uow.publish(VipRevoked(account_id=account_id, by=actor.user, reason=cleaned, at=now))
        await evaluate_accounts(
            uow=uow, account_ids=[account_id], as_of=now, rules=rules, policy=policy
        )
        await uow.commit()


async def vip_candidates(
    *, uow: AccountsUnitOfWork, count: int, managers: Managers
) -> list[dict[str, Any]]:
    """The top accounts by 12-month sales (the handbook's first VIP criterion), with status,
    among the accounts of `managers` (None: all)."""
    top = await uow.accounts.top_by_revenue(count, managers=managers)
    pending = {
        row["account_id"] for row in await uow.vip.nominations(status="pending", managers=managers)
    }
    return [
        {**account, "rank": rank, "pending_nomination": account["account_id"] in pending}
        for rank, account in enumerate(top, start=1)
    ]

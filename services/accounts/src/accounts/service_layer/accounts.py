"""Accounts entered by managers: prospects, and who referred whom (DOMAIN.md §1, Referrals)."""

import re
import uuid
from datetime import UTC, datetime
from typing import Any

from accounts.domain.events import (
    AccountRegistered,
    AccountUpdated,
    MasterData,
    ReferralRecorded,
)
from accounts.service_layer.commands import RegisterProspect, SetReferral
from accounts.service_layer.evaluation import EvaluationRules, active_policy, evaluate_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import Conflict, InvalidInput, NotFound, Problem
from chassis.messages import _

# Path segments of the accounts pages and API that an account id must not take.
RESERVED_IDS = {
    "vip",
    "vip-nominations",
    "vip-candidates",
    "policies",
    "tier-policies",
    "reports",
    "evaluation-reports",
    "distribution",
    "static",
    "new",
}
ACCOUNT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# A prospect has no ERP master data yet: any ERP update of the same id wins.
NEVER_FROM_ERP = datetime(1970, 1, 1, tzinfo=UTC)


def _check_id(account_id: str) -> None:
    if not ACCOUNT_ID.match(account_id) or account_id.lower() in RESERVED_IDS:
        raise InvalidInput(
            _("%(id)r cannot be an account id") % {"id": account_id},
            details=[
                Problem("account_id", "letters, digits, '.', '_' or '-', not a reserved word")
            ],
        )


async def _referrer(uow: AccountsUnitOfWork, account_id: str, referrer_id: str) -> dict[str, Any]:
    if referrer_id == account_id:
        raise InvalidInput(
            _("an account cannot refer itself"),
            details=[Problem("referred_by", "must be another account")],
        )
    referrer = await uow.accounts.account_row(referrer_id)
    if referrer is None:
        raise InvalidInput(
            _("the referring account %(id)r does not exist") % {"id": referrer_id},
            details=[Problem("referred_by", "no such account")],
        )
    if await uow.accounts.refers_back(account_id, referrer_id):
        raise Conflict(
            _("%(referrer)s was itself referred through %(account)s")
            % {"referrer": referrer_id, "account": account_id},
            code="referral_loop",
        )
    return referrer


async def register_prospect(
    *,
    uow: AccountsUnitOfWork,
    command: RegisterProspect,
    now: datetime,
    rules: EvaluationRules,
) -> str:
    """A manager registers a prospect; a referred one is a top-priority lead."""
    account_id = command.account_id or f"P-{uuid.uuid4().hex[:8].upper()}"
    _check_id(account_id)
    if not command.name.strip():
        raise InvalidInput(_("a prospect needs a name"), details=[Problem("name", "required")])
    async with uow:
        policy = await active_policy(uow, rules, now)
        referrers = [command.referred_by] if command.referred_by else []
        await uow.locks.lock_accounts([account_id, *referrers])
        if command.referred_by:
            await _referrer(uow, account_id, command.referred_by)
        priority_lead = command.referred_by is not None
        manager = command.account_manager or command.actor.user
        added = await uow.accounts.add_prospect(
            {
                "account_id": account_id,
                "name": command.name.strip(),
                "region": command.region.strip(),
                "country": command.country.strip(),
                "segment": command.segment.strip(),
                "address": command.address.strip(),
                "account_manager": manager,
                "erp_updated_at": NEVER_FROM_ERP,
                "registered_at": now,
                "origin": "manager",
                "created_by": command.actor.user,
                "referred_by": command.referred_by,
                "priority_lead": priority_lead,
            }
        )
        if not added:
            raise Conflict(
                _("an account with id %(id)r exists already") % {"id": account_id},
                code="account_exists",
            )
        uow.publish(
            AccountRegistered(
                account_id=account_id,
                master=MasterData(
                    name=command.name.strip(),
                    region=command.region.strip(),
                    country=command.country.strip(),
                    segment=command.segment.strip(),
                    account_manager=manager,
                ),
                at=now,
                origin="manager",
                referred_by=command.referred_by,
                priority_lead=priority_lead,
            )
        )
        if command.referred_by:
            uow.publish(
                ReferralRecorded(
                    account_id=command.referred_by,
                    referred_account_id=account_id,
                    by=command.actor.user,
                    at=now,
                )
            )
        await evaluate_accounts(
            uow=uow, account_ids=[account_id, *referrers], as_of=now, rules=rules, policy=policy
        )
        await uow.commit()
    return account_id


async def set_referral(
    *,
    uow: AccountsUnitOfWork,
    command: SetReferral,
    now: datetime,
    rules: EvaluationRules,
) -> None:
    """Record (or clear) who referred an account. A prospect referred is a priority lead."""
    async with uow:
        policy = await active_policy(uow, rules, now)
        account = await uow.accounts.account_row(command.account_id)
        if account is None:
            raise NotFound(
                _("no account with id %(id)r") % {"id": command.account_id},
                code="account_not_found",
            )
        linked = (command.account_id, command.referred_by, account["referred_by"])
        involved = {account_id for account_id in linked if account_id}
        await uow.locks.lock_accounts(involved)
        if command.referred_by == account["referred_by"]:
            return
        if command.referred_by:
            await _referrer(uow, command.account_id, command.referred_by)
        priority_lead = command.referred_by is not None and account["lifecycle_stage"] == "prospect"
        await uow.accounts.update_account(
            command.account_id, referred_by=command.referred_by, priority_lead=priority_lead
        )
        uow.publish(
            AccountUpdated(
                account_id=command.account_id,
                changed_fields=["referred_by", "priority_lead"],
                master=MasterData(
                    name=account["name"],
                    region=account["region"],
                    country=account["country"],
                    segment=account["segment"],
                    account_manager=account["account_manager"],
                ),
                referred_by=command.referred_by,
                priority_lead=priority_lead,
                at=now,
                by=command.actor.user,
            )
        )
        if command.referred_by:
            uow.publish(
                ReferralRecorded(
                    account_id=command.referred_by,
                    referred_account_id=command.account_id,
                    by=command.actor.user,
                    at=now,
                )
            )
        await evaluate_accounts(
            uow=uow, account_ids=involved, as_of=now, rules=rules, policy=policy
        )
        await uow.commit()

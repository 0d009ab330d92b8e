"""Tier policies under /api/v1/accounts/tier-policies: list, draft, preview, activate."""

from typing import Any

from fastapi import APIRouter

from accounts.api.dependencies import AccountsApp, Administrator, ReadUow, WriteUow
from accounts.api.schemas import (
    ActivationOut,
    PolicyDraftIn,
    PolicyOut,
    PolicyPreviewOut,
)
from accounts.domain.tier_policy import (
    RecencyBand,
    TierPolicy,
    policy_from_document,
    policy_to_document,
)
from accounts.service_layer.commands import ActivatePolicy, DraftPolicy
from accounts.service_layer.policies import activate_policy, draft_policy, preview_policy
from chassis.errors import NotFound
from chassis.http import IntId, refusals

# Tier policies are the admin's (decision 0016): 401 without a token, 403 without the role.
router = APIRouter(
    prefix="/api/v1/accounts/tier-policies", tags=["tier policies"], responses=refusals(401, 403)
)


def policy_out(row: dict[str, Any]) -> PolicyOut:
    document = policy_to_document(policy_from_document(row["document"], row["version"]))
    return PolicyOut.model_validate({**row, "policy": document})


@router.get("", response_model=list[PolicyOut], summary="Every version, newest first")
async def list_policies(uow: ReadUow, who: Administrator) -> list[PolicyOut]:
    return [policy_out(row) for row in await uow.policies.all_versions()]


@router.get("/{version}", response_model=PolicyOut, responses=refusals(404), summary="One version")
async def get_policy(uow: ReadUow, who: Administrator, version: IntId) -> PolicyOut:
    return await policy_version(uow, version)


async def policy_version(uow: ReadUow, version: int) -> PolicyOut:
    row = await uow.policies.get(version)
    if row is None:
        raise NotFound(f"no tier policy version {version}", code="policy_not_found")
    return policy_out(row)


@router.post(
    "",
    response_model=PolicyOut,
    status_code=201,
    responses=refusals(422),
    summary="Store a draft version (422: a policy the domain refuses, e.g. thresholds out of order)",
)
async def create_draft(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: Administrator, body: PolicyDraftIn
) -> PolicyOut:
    fields = body.policy.model_dump()
    fields["recency_bands"] = tuple(RecencyBand(**band) for band in fields["recency_bands"])
    version = await draft_policy(
        uow=uow,
        command=DraftPolicy(TierPolicy(**fields), who.actor, body.note),
        now=app.clock.now(),
        rules=app.rules,
    )
    return await policy_version(read, version)


@router.post(
    "/{version}/preview",
    response_model=PolicyPreviewOut,
    responses=refusals(404, 409),
    summary="What a draft would do: the distribution and every account that would change",
)
async def preview(
    app: AccountsApp, uow: ReadUow, who: Administrator, version: IntId
) -> PolicyPreviewOut:
    result = await preview_policy(uow=uow, version=version, now=app.clock.now(), rules=app.rules)
    return PolicyPreviewOut.model_validate(result)


@router.post(
    "/{version}/activate",
    response_model=ActivationOut,
    responses=refusals(404, 409),
    summary="Switch to a draft: every account is re-evaluated, changes published",
)
async def activate(
    app: AccountsApp, uow: WriteUow, who: Administrator, version: IntId
) -> ActivationOut:
    changed = await activate_policy(
        uow=uow, command=ActivatePolicy(version, who.actor), now=app.clock.now(), rules=app.rules
    )
    return ActivationOut(version=version, changed_accounts=changed)

"""VIP nominations, decisions and candidates under /api/v1/accounts."""

from typing import Literal

from fastapi import APIRouter

from accounts.api.dependencies import AccountsApp, Acting, ReadUow, WriteUow
from accounts.api.schemas import (
    CandidateOut,
    DecisionIn,
    NominationIn,
    NominationOut,
    RevocationIn,
)
from accounts.service_layer.commands import DecideVip, NominateVip, RevokeVip
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from accounts.service_layer.vip import decide_vip, nominate_vip, revoke_vip, vip_candidates
from chassis.errors import NotFound
from chassis.http import IntId, refusals

router = APIRouter(prefix="/api/v1/accounts", tags=["VIP"])
# A supervisor's decision: not a supervisor (or the nominator), no such nomination or account,
# a state that does not allow it, a reason or note the domain refuses.
DECISION_REFUSALS = refusals(403, 404, 409, 422)


async def nomination_out(uow: AccountsUnitOfWork, nomination_id: int) -> NominationOut:
    for row in await uow.vip.nominations(nomination_id=nomination_id):
        return NominationOut.model_validate(row)
    raise NotFound(f"no VIP nomination {nomination_id}", code="nomination_not_found")


@router.get("/vip-candidates", response_model=list[CandidateOut], summary="Top accounts by sales")
async def candidates(app: AccountsApp, uow: ReadUow) -> list[CandidateOut]:
    rows = await vip_candidates(uow=uow, count=app.settings.vip_candidate_count)
    return [CandidateOut.model_validate(row) for row in rows]


@router.get("/vip-nominations", response_model=list[NominationOut], summary="VIP nominations")
async def nominations(
    uow: ReadUow,
    status: Literal["pending", "approved", "rejected"] | None = None,
    account_id: str | None = None,
) -> list[NominationOut]:
    rows = await uow.vip.nominations(status=status, account_id=account_id)
    return [NominationOut.model_validate(row) for row in rows]


@router.post(
    "/{account_id}/vip-nominations",
    response_model=NominationOut,
    status_code=201,
    responses=refusals(404, 409, 422),
    summary="Nominate an account as VIP, with a reason",
)
async def nominate(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    actor: Acting,
    account_id: str,
    body: NominationIn,
) -> NominationOut:
    nomination_id = await nominate_vip(
        uow=uow, command=NominateVip(account_id, body.reason, actor), now=app.clock.now()
    )
    return await nomination_out(read, nomination_id)


async def _decide(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    actor: Acting,
    nomination_id: int,
    approve: bool,
    note: str,
) -> NominationOut:
    await decide_vip(
        uow=uow,
        command=DecideVip(nomination_id, approve, actor, note),
        now=app.clock.now(),
        rules=app.rules,
    )
    return await nomination_out(read, nomination_id)


@router.post(
    "/vip-nominations/{nomination_id}/approve",
    response_model=NominationOut,
    responses=DECISION_REFUSALS,
    summary="A supervisor approves: the account becomes VIP (published)",
)
async def approve(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    actor: Acting,
    nomination_id: IntId,
    body: DecisionIn,
) -> NominationOut:
    return await _decide(app, uow, read, actor, nomination_id, True, body.note)


@router.post(
    "/vip-nominations/{nomination_id}/reject",
    response_model=NominationOut,
    responses=DECISION_REFUSALS,
    summary="A supervisor rejects, with a note",
)
async def reject(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    actor: Acting,
    nomination_id: IntId,
    body: DecisionIn,
) -> NominationOut:
    return await _decide(app, uow, read, actor, nomination_id, False, body.note)


@router.post(
    "/{account_id}/vip/revoke",
    status_code=204,
    responses=DECISION_REFUSALS,
    summary="A supervisor ends VIP status (published)",
)
async def revoke(
    app: AccountsApp, uow: WriteUow, actor: Acting, account_id: str, body: RevocationIn
) -> None:
    await revoke_vip(
        uow=uow,
        command=RevokeVip(account_id, body.reason, actor),
        now=app.clock.now(),
        rules=app.rules,
    )

"""VIP nominations, decisions and candidates under /api/v1/accounts."""

from typing import Annotated

from fastapi import APIRouter, Query

from accounts.api.dependencies import (
    AccountsApp,
    Caller,
    Decider,
    Reader,
    ReadUow,
    Worker,
    WriteUow,
)
from accounts.api.routes import load_account
from accounts.api.schemas import (
    CandidateOut,
    DecisionIn,
    NominationIn,
    NominationOut,
    NominationQuery,
    RevocationIn,
)
from accounts.service_layer.commands import DecideVip, NominateVip, RevokeVip
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from accounts.service_layer.vip import decide_vip, nominate_vip, revoke_vip, vip_candidates
from chassis.errors import NotFound
from chassis.http import IntId, refusals

# Every operation needs a signed-in principal (401) holding the role it names (403).
router = APIRouter(prefix="/api/v1/accounts", tags=["VIP"], responses=refusals(401, 403))
# A supervisor's decision: not a supervisor (or the nominator), no such nomination or account
# (or none of the supervisor's team), a state that does not allow it, a note the domain refuses.
DECISION_REFUSALS = refusals(403, 404, 409, 422)


async def nomination_out(uow: AccountsUnitOfWork, who: Caller, nomination_id: int) -> NominationOut:
    """The nomination, if its account is in the caller's scope; else 404."""
    for row in await uow.vip.nominations(nomination_id=nomination_id, managers=who.managers):
        return NominationOut.model_validate(row)
    raise NotFound(f"no VIP nomination {nomination_id}", code="nomination_not_found")


@router.get("/vip-candidates", response_model=list[CandidateOut], summary="Top accounts by sales")
async def candidates(app: AccountsApp, uow: ReadUow, who: Reader) -> list[CandidateOut]:
    rows = await vip_candidates(
        uow=uow, count=app.settings.vip_candidate_count, managers=who.managers
    )
    return [CandidateOut.model_validate(row) for row in rows]


@router.get("/vip-nominations", response_model=list[NominationOut], summary="VIP nominations")
async def nominations(
    uow: ReadUow, who: Reader, query: Annotated[NominationQuery, Query()]
) -> list[NominationOut]:
    rows = await uow.vip.nominations(
        status=query.status, account_id=query.account_id, managers=who.managers
    )
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
    who: Worker,
    account_id: str,
    body: NominationIn,
) -> NominationOut:
    await load_account(read, who, account_id)
    nomination_id = await nominate_vip(
        uow=uow, command=NominateVip(account_id, body.reason, who.actor), now=app.clock.now()
    )
    return await nomination_out(read, who, nomination_id)


async def _decide(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: Caller,
    nomination_id: int,
    approve: bool,
    note: str,
) -> NominationOut:
    # Another team's nomination is not found, before anything is decided.
    await nomination_out(read, who, nomination_id)
    await decide_vip(
        uow=uow,
        command=DecideVip(nomination_id, approve, who.actor, note),
        now=app.clock.now(),
        rules=app.rules,
    )
    return await nomination_out(read, who, nomination_id)


@router.post(
    "/vip-nominations/{nomination_id}/approve",
    response_model=NominationOut,
    responses=DECISION_REFUSALS,
    summary="A supervisor approves, for their team: the account becomes VIP (published)",
)
async def approve(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: Decider,
    nomination_id: IntId,
    body: DecisionIn,
) -> NominationOut:
    return await _decide(app, uow, read, who, nomination_id, True, body.note)


@router.post(
    "/vip-nominations/{nomination_id}/reject",
    response_model=NominationOut,
    responses=DECISION_REFUSALS,
    summary="A supervisor rejects, for their team, with a note",
)
async def reject(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: Decider,
    nomination_id: IntId,
    body: DecisionIn,
) -> NominationOut:
    return await _decide(app, uow, read, who, nomination_id, False, body.note)


@router.post(
    "/{account_id}/vip/revoke",
    status_code=204,
    responses=DECISION_REFUSALS,
    summary="A supervisor ends VIP status, for their team (published)",
)
async def revoke(
    app: AccountsApp,
    uow: WriteUow,
    read: ReadUow,
    who: Decider,
    account_id: str,
    body: RevocationIn,
) -> None:
    await load_account(read, who, account_id)
    await revoke_vip(
        uow=uow,
        command=RevokeVip(account_id, body.reason, who.actor),
        now=app.clock.now(),
        rules=app.rules,
    )

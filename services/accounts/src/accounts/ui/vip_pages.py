"""VIP pages: candidates, nominations waiting for a supervisor, decisions."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import AccountsApp, ReadUow
from accounts.domain.vip import Actor
from accounts.service_layer.commands import DecideVip, NominateVip, RevokeVip
from accounts.service_layer.vip import decide_vip, nominate_vip, revoke_vip, vip_candidates
from accounts.ui.forms import done, error_status, error_text, form_actor, form_data, render
from accounts.ui.pages import account_action
from chassis.errors import RapportError
from chassis.http import IntId

router = APIRouter(prefix="/accounts", include_in_schema=False)


async def _vip_page(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    error: str | None = None,
    status: int = 200,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "candidates": await vip_candidates(uow=uow, count=app.settings.vip_candidate_count),
        "pending": await uow.vip.nominations(status="pending"),
        "decided": [n for n in await uow.vip.nominations() if n["status"] != "pending"][:50],
        "currency": app.settings.currency,
        "error": error,
    }
    return render(request, "vip.html", context, status_code=status, form=form)


@router.get("/vip/", response_class=HTMLResponse)
async def vip_page(request: Request, app: AccountsApp, uow: ReadUow) -> HTMLResponse:
    return await _vip_page(request, app, uow)


@router.post("/vip/{nomination_id}/decide", response_class=HTMLResponse)
async def decide(
    request: Request, app: AccountsApp, uow: ReadUow, nomination_id: IntId
) -> Response:
    form = await form_data(request)
    try:
        actor = form_actor(form)
        await decide_vip(
            uow=app.uow(),
            command=DecideVip(
                nomination_id, form.get("decision") == "approve", actor, form.get("note", "")
            ),
            now=app.clock.now(),
            rules=app.rules,
        )
    except (RapportError, ValidationError) as exc:
        return await _vip_page(request, app, uow, error_text(exc), error_status(exc), form)
    return done("/accounts/vip/", actor)


@router.post("/{account_id}/vip/nominate", response_class=HTMLResponse)
async def nominate(request: Request, app: AccountsApp, uow: ReadUow, account_id: str) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await nominate_vip(
            uow=app.uow(),
            command=NominateVip(account_id, form.get("reason", ""), actor),
            now=app.clock.now(),
        )

    return await account_action(request, app, uow, account_id, act)


@router.post("/{account_id}/vip/revoke", response_class=HTMLResponse)
async def revoke(request: Request, app: AccountsApp, uow: ReadUow, account_id: str) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await revoke_vip(
            uow=app.uow(),
            command=RevokeVip(account_id, form.get("reason", ""), actor),
            now=app.clock.now(),
            rules=app.rules,
        )

    return await account_action(request, app, uow, account_id, act)

"""VIP pages: candidates, nominations waiting for a supervisor, decisions."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from accounts.api.dependencies import (
    AccountsApp,
    Caller,
    PageDecider,
    PageReader,
    PageWorker,
    ReadUow,
)
from accounts.domain.vip import Actor
from accounts.service_layer.commands import DecideVip, NominateVip, RevokeVip
from accounts.service_layer.vip import decide_vip, nominate_vip, revoke_vip, vip_candidates
from accounts.ui.forms import done, error_status, error_text, form_data, render
from accounts.ui.pages import account_action
from chassis.auth import csrf_protected
from chassis.errors import RapportError
from chassis.http import IntId
from chassis.i18n import _

# Every form carries the session's CSRF token (`csrf_input()`); a post without it is a 403.
router = APIRouter(
    prefix="/accounts", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)


async def _vip_page(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    who: Caller,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Candidates and nominations of the accounts in the caller's scope."""
    nominations = await uow.vip.nominations(managers=who.managers)
    context: dict[str, Any] = {
        "candidates": await vip_candidates(
            uow=uow, count=app.settings.vip_candidate_count, managers=who.managers
        ),
        "pending": [n for n in nominations if n["status"] == "pending"],
        "decided": [n for n in nominations if n["status"] != "pending"][:50],
        "currency": app.settings.currency,
        "error": error,
    }
    return render(request, "vip.html", context, status_code=status)


@router.get("/vip/", response_class=HTMLResponse)
async def vip_page(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader
) -> HTMLResponse:
    return await _vip_page(request, app, uow, who)


@router.post("/vip/{nomination_id}/decide", response_class=HTMLResponse)
async def decide(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageDecider, nomination_id: IntId
) -> Response:
    # Another team's nomination is not found, as in the API.
    if not await uow.vip.nominations(nomination_id=nomination_id, managers=who.managers):
        message = _("No VIP nomination %(id)s.") % {"id": nomination_id}
        return render(request, "not_found.html", {"message": message}, 404)
    form = await form_data(request)
    try:
        await decide_vip(
            uow=app.uow(),
            command=DecideVip(
                nomination_id, form.get("decision") == "approve", who.actor, form.get("note", "")
            ),
            now=app.clock.now(),
            rules=app.rules,
        )
    except RapportError as exc:
        return await _vip_page(request, app, uow, who, error_text(exc), error_status(exc))
    return done("/accounts/vip/")


@router.post("/{account_id}/vip/nominate", response_class=HTMLResponse)
async def nominate(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageWorker, account_id: str
) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await nominate_vip(
            uow=app.uow(),
            command=NominateVip(account_id, form.get("reason", ""), actor),
            now=app.clock.now(),
        )

    return await account_action(request, app, uow, who, account_id, act)


@router.post("/{account_id}/vip/revoke", response_class=HTMLResponse)
async def revoke(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageDecider, account_id: str
) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await revoke_vip(
            uow=app.uow(),
            command=RevokeVip(account_id, form.get("reason", ""), actor),
            now=app.clock.now(),
            rules=app.rules,
        )

    return await account_action(request, app, uow, who, account_id, act)

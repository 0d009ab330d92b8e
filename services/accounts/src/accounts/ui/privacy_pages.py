"""Privacy pages of the admin: the audit of personal data across accounts (and its CSV), the
erasure report and the erasure request form."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import AccountsApp, PageAdministrator, ReadUow
from accounts.api.privacy import audit_csv, audit_page, erasure_out
from accounts.api.schemas import AuditQuery, ErasureIn, ErasureQuery
from accounts.service_layer.commands import EraseContacts
from accounts.service_layer.privacy import erase_contacts, erasure_report
from accounts.ui.forms import done, error_status, error_text, form_data, render
from chassis.auth import csrf_protected
from chassis.errors import NotFound, RapportError
from chassis.i18n import _

# Fixed paths under /accounts/, ahead of the account pages' /accounts/{account_id}.
router = APIRouter(
    prefix="/accounts", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)


def _params(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if v != "" and k != "lang"}


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, uow: ReadUow, who: PageAdministrator) -> HTMLResponse:
    params = _params(request)
    context: dict[str, Any] = {"params": params}
    try:
        query = AuditQuery.model_validate(params)
    except ValidationError as exc:
        context.update(error=error_text(exc), entries=None)
        return render(request, "audit.html", context, status_code=422)
    entries = await audit_page(uow, query)
    context.update(entries=entries, pages=max(1, -(-entries.total // query.page_size)))
    return render(request, "audit.html", context)


@router.get("/audit.csv")
async def audit_export(request: Request, uow: ReadUow, who: PageAdministrator) -> Response:
    try:
        query = AuditQuery.model_validate({**_params(request), "page": 1})
    except ValidationError as exc:
        return Response(error_text(exc), status_code=422, media_type="text/plain")
    return await audit_csv(uow, query)


async def _erasures_page(
    request: Request,
    app: AccountsApp,
    params: dict[str, str],
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {"params": params, "values": form or {}, "error": error}
    try:
        query = ErasureQuery.model_validate(params)
    except ValidationError as exc:
        context.update(error=error_text(exc), erasures=[], total=0, pages=1, page=1)
        return render(request, "erasures.html", context, status_code=422)
    rows, total = await erasure_report(
        uow=app.uow(), account_id=query.account_id, page=query.page, page_size=query.page_size
    )
    context.update(
        erasures=[erasure_out(row) for row in rows],
        total=total,
        page=query.page,
        pages=max(1, -(-total // query.page_size)),
    )
    return render(request, "erasures.html", context, status_code=status)


@router.get("/erasures/", response_class=HTMLResponse)
async def erasures(request: Request, app: AccountsApp, who: PageAdministrator) -> HTMLResponse:
    return await _erasures_page(request, app, _params(request))


@router.post("/erasures/", response_class=HTMLResponse)
async def request_erasure(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageAdministrator
) -> Response:
    form = await form_data(request)
    account_id = form.get("account_id", "").strip()
    try:
        body = ErasureIn.model_validate(
            {"contact_id": form.get("contact_id", "").strip() or None, "why": form.get("why", "")}
        )
        if not account_id or await uow.queries.get(account_id, managers=who.managers) is None:
            raise NotFound(
                _("No account with id %(id)s.") % {"id": account_id}, code="account_not_found"
            )
        await erase_contacts(
            uow=app.uow(),
            command=EraseContacts(account_id, body.contact_id, body.why, who.actor),
            now=app.clock.now(),
            services=app.settings.erasure_services,
        )
    except (RapportError, ValidationError) as exc:
        return await _erasures_page(
            request, app, {}, form=form, error=error_text(exc), status=error_status(exc)
        )
    return done(f"/accounts/erasures/?account_id={account_id}")

"""Privacy pages of the admin: the audit of personal data across accounts (and its CSV)."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import PageAdministrator, ReadUow
from accounts.api.privacy import audit_csv, audit_page
from accounts.api.schemas import AuditQuery
from accounts.ui.forms import error_text, render
from chassis.auth import csrf_protected

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

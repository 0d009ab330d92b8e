"""Evaluation report pages: list and generate, the report, one account's page; printable."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import (
    AccountsApp,
    Caller,
    PageDecider,
    PageReader,
    PageReportMaker,
    ReadUow,
)
from accounts.service_layer.commands import GenerateReport, ReviewReport
from accounts.service_layer.reports import generate_report, review_report
from accounts.ui.forms import done, error_status, error_text, form_data, render
from chassis.auth import csrf_protected
from chassis.errors import RapportError
from chassis.http import IntId
from chassis.i18n import _

# Every form carries the session's CSRF token (`csrf_input()`); a post without it is a 403.
router = APIRouter(
    prefix="/accounts/reports", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)


async def _list_page(
    request: Request,
    uow: ReadUow,
    error: str | None = None,
    status: int = 200,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    context = {"reports": await uow.reports.all_reports(), "error": error}
    return render(request, "reports.html", context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def reports_page(request: Request, uow: ReadUow, who: PageReader) -> HTMLResponse:
    return await _list_page(request, uow)


@router.post("/", response_class=HTMLResponse)
async def create(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReportMaker
) -> Response:
    form = await form_data(request)
    try:
        report_id = await generate_report(
            uow=app.uow(),
            command=GenerateReport(form.get("period", ""), who.actor),
            now=app.clock.now(),
            rules=app.rules,
        )
    except (RapportError, ValidationError) as exc:
        return await _list_page(request, uow, error_text(exc), error_status(exc), form)
    return done(f"/accounts/reports/{report_id}")


async def _report_page(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    who: Caller,
    report_id: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    report = await uow.reports.get(report_id)
    if report is None:
        return render(
            request, "not_found.html", {"message": _("No report %(id)s.") % {"id": report_id}}, 404
        )
    context = {
        "report": report,
        "lines": await uow.reports.lines(report_id, managers=who.managers),
        "currency": app.settings.currency,
        "error": error,
    }
    return render(request, "report.html", context, status_code=status)


@router.get("/{report_id}", response_class=HTMLResponse)
async def report_page(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader, report_id: IntId
) -> HTMLResponse:
    return await _report_page(request, app, uow, who, report_id)


@router.post("/{report_id}/review", response_class=HTMLResponse)
async def review(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageDecider, report_id: IntId
) -> Response:
    form = await form_data(request)
    try:
        await review_report(
            uow=app.uow(),
            command=ReviewReport(report_id, who.actor, form.get("note", "")),
            now=app.clock.now(),
        )
    except RapportError as exc:
        return await _report_page(
            request, app, uow, who, report_id, error_text(exc), error_status(exc)
        )
    return done(f"/accounts/reports/{report_id}")


@router.get("/{report_id}/{account_id}", response_class=HTMLResponse)
async def account_report(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    who: PageReader,
    report_id: IntId,
    account_id: str,
) -> HTMLResponse:
    report = await uow.reports.get(report_id)
    lines = await uow.reports.lines(report_id, account_id, managers=who.managers) if report else []
    if report is None or not lines:
        message = _("No line for account %(account)s in report %(report)s.") % {
            "account": account_id,
            "report": report_id,
        }
        return render(request, "not_found.html", {"message": message}, 404)
    context = {"report": report, "line": lines[0], "currency": app.settings.currency}
    return render(request, "report_account.html", context)

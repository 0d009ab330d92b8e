"""Periodic evaluation reports under /api/v1/accounts/evaluation-reports."""

from fastapi import APIRouter

from accounts.api.dependencies import (
    AccountsApp,
    Caller,
    Decider,
    Reader,
    ReadUow,
    ReportMaker,
    WriteUow,
)
from accounts.api.schemas import ReportDetailOut, ReportIn, ReportOut, ReviewIn
from accounts.service_layer.commands import GenerateReport, ReviewReport
from accounts.service_layer.reports import generate_report, review_report
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import NotFound
from chassis.http import IntId, refusals

# Every operation needs a signed-in principal (401) holding the role it names (403).
router = APIRouter(
    prefix="/api/v1/accounts/evaluation-reports",
    tags=["evaluation reports"],
    responses=refusals(401, 403),
)


async def report_detail(uow: AccountsUnitOfWork, who: Caller, report_id: int) -> ReportDetailOut:
    """The report with the lines of the caller's accounts (by their manager at the period's end)."""
    report = await uow.reports.get(report_id)
    if report is None:
        raise NotFound(f"no evaluation report {report_id}", code="report_not_found")
    lines = await uow.reports.lines(report_id, managers=who.managers)
    return ReportDetailOut.model_validate({**report, "lines": lines})


@router.get("", response_model=list[ReportOut], summary="Every report, newest period first")
async def list_reports(uow: ReadUow, who: Reader) -> list[ReportOut]:
    return [ReportOut.model_validate(row) for row in await uow.reports.all_reports()]


@router.post(
    "",
    response_model=ReportOut,
    status_code=201,
    responses=refusals(409),
    summary="Evaluate a period and store it (409: the period has not ended or has a report)",
)
async def create_report(
    app: AccountsApp, uow: WriteUow, read: ReadUow, who: ReportMaker, body: ReportIn
) -> ReportOut:
    report_id = await generate_report(
        uow=uow,
        command=GenerateReport(body.period, who.actor),
        now=app.clock.now(),
        rules=app.rules,
    )
    return ReportOut.model_validate(await read.reports.get(report_id))


@router.get(
    "/{report_id}",
    response_model=ReportDetailOut,
    responses=refusals(404),
    summary="A report with every account in the caller's scope",
)
async def get_report(uow: ReadUow, who: Reader, report_id: IntId) -> ReportDetailOut:
    return await report_detail(uow, who, report_id)


@router.post(
    "/{report_id}/review",
    status_code=204,
    responses=refusals(404, 409),
    summary="The supervisor reviewed the report",
)
async def post_review(
    app: AccountsApp, uow: WriteUow, who: Decider, report_id: IntId, body: ReviewIn
) -> None:
    await review_report(
        uow=uow, command=ReviewReport(report_id, who.actor, body.note), now=app.clock.now()
    )

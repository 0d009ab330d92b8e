"""The privacy API under /api/v1/accounts, the admin's: the audit of personal data across
accounts, erasure requests and the erasure report (decision 0020)."""

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from accounts.adapters.privacy import AUDIT_EXPORT_LIMIT
from accounts.api.dependencies import AccountsApp, Administrator, ReadUow
from accounts.api.routes import load_account
from accounts.api.schemas import (
    AuditEntryOut,
    AuditPage,
    AuditQuery,
    ErasureIn,
    ErasureOut,
    ErasurePage,
    ErasureQuery,
)
from accounts.service_layer.commands import EraseContacts
from accounts.service_layer.privacy import erase_contacts, erasure_report
from chassis.errors import NotFound
from chassis.http import refusals

router = APIRouter(prefix="/api/v1/accounts", tags=["privacy"], responses=refusals(401, 403))

AUDIT_COLUMNS = ("at", "account_id", "actor", "action", "what", "purpose")


def day_bounds(query: AuditQuery) -> tuple[datetime | None, datetime | None]:
    """The query's days as moments: from the start of `since` to the end of `until` (UTC)."""
    since = datetime.combine(query.since, time(), UTC) if query.since else None
    until = datetime.combine(query.until, time(), UTC) + timedelta(days=1) if query.until else None
    return since, until


async def audit_page(uow: ReadUow, query: AuditQuery) -> AuditPage:
    since, until = day_bounds(query)
    rows, total = await uow.privacy.audit(
        account_id=query.account_id,
        actor=query.actor,
        since=since,
        until=until,
        offset=(query.page - 1) * query.page_size,
        limit=query.page_size,
    )
    return AuditPage(
        items=[AuditEntryOut.model_validate(row) for row in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


async def audit_csv(uow: ReadUow, query: AuditQuery) -> Response:
    """Every entry the filters match (up to AUDIT_EXPORT_LIMIT), newest first, as CSV."""
    since, until = day_bounds(query)
    rows, _ = await uow.privacy.audit(
        account_id=query.account_id,
        actor=query.actor,
        since=since,
        until=until,
        offset=0,
        limit=AUDIT_EXPORT_LIMIT,
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    for row in rows:
        writer.writerow([row["at"].isoformat(), *(row[c] for c in AUDIT_COLUMNS[1:])])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="personal-data-audit.csv"'},
    )


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=refusals(422),
    summary="Every read and change of personal data across accounts (who, when, what, why), "
    "newest first; filter by account, staff id and days (the admin's)",
)
async def get_audit(
    uow: ReadUow, who: Administrator, query: Annotated[AuditQuery, Query()]
) -> AuditPage:
    return await audit_page(uow, query)


@router.get(
    "/audit.csv",
    responses={200: {"content": {"text/csv": {}}}, **refusals(422)},
    response_class=Response,
    summary="The audit, filtered the same way, as CSV (every matching entry, at most 100,000)",
)
async def get_audit_csv(
    uow: ReadUow, who: Administrator, query: Annotated[AuditQuery, Query()]
) -> Response:
    return await audit_csv(uow, query)


def erasure_out(row: dict[str, Any]) -> ErasureOut:
    return ErasureOut.model_validate(
        {**row, "done": all(s["state"] == "done" for s in row["services"])}
    )


@router.post(
    "/{account_id}/erasures",
    response_model=ErasureOut,
    status_code=201,
    responses=refusals(404, 422),
    summary="Erase a contact's personal data (or every contact's: no contact_id) here at once; "
    "publishes AccountContactsErased for every other service to erase its copies (404 "
    "contact_not_found)",
)
async def post_erasure(
    app: AccountsApp, read: ReadUow, who: Administrator, account_id: str, body: ErasureIn
) -> ErasureOut:
    await load_account(read, who, account_id)
    erasure_id = await erase_contacts(
        uow=app.uow(),
        command=EraseContacts(account_id, body.contact_id, body.why, who.actor),
        now=app.clock.now(),
        services=app.settings.erasure_services,
    )
    return await one_erasure(app, erasure_id)


async def one_erasure(app: AccountsApp, erasure_id: str) -> ErasureOut:
    async with app.uow() as uow:
        row = await uow.privacy.erasure(erasure_id)
    if row is None:
        raise NotFound(f"no erasure with id {erasure_id!r}", code="erasure_not_found")
    return erasure_out(row)


@router.get(
    "/erasures",
    response_model=ErasurePage,
    responses=refusals(422),
    summary="The erasure report: every erasure, newest first, with each service's state",
)
async def get_erasures(
    app: AccountsApp, who: Administrator, query: Annotated[ErasureQuery, Query()]
) -> ErasurePage:
    rows, total = await erasure_report(
        uow=app.uow(), account_id=query.account_id, page=query.page, page_size=query.page_size
    )
    return ErasurePage(
        items=[erasure_out(row) for row in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get(
    "/erasures/{erasure_id}",
    response_model=ErasureOut,
    responses=refusals(404),
    summary="One erasure and each service's state",
)
async def get_erasure(
    app: AccountsApp, who: Administrator, erasure_id: Annotated[str, Path(max_length=64)]
) -> ErasureOut:
    return await one_erasure(app, erasure_id)

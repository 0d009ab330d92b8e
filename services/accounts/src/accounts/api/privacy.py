"""The privacy API under /api/v1/accounts: the audit of personal data across accounts (the
admin's), and erasures (see the erasure routes)."""

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from accounts.adapters.privacy import AUDIT_EXPORT_LIMIT
from accounts.api.dependencies import Administrator, ReadUow
from accounts.api.schemas import AuditEntryOut, AuditPage, AuditQuery
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

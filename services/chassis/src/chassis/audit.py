"""The personal-data access log of a service that shows personal data (decision 0020): every
read and change, who, when, what and why, and the admin's filtered view of it. Entries name
what was read or changed, never the data, so erasure leaves them."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

Action = Literal["read", "change"]
# The purpose an API call states in this header (its default: the service's own work).
PURPOSE_HEADER = "X-Rapport-Purpose"


def access_log_table(metadata: MetaData) -> Table:
    return Table(
        "personal_data_access",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("account_id", String(64), nullable=False),
        Column("actor", String(64), nullable=False),
        Column("action", String(10), nullable=False),
        Column("what", String(200), nullable=False),
        Column("purpose", String(200), nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_personal_data_access_account", "account_id", "at"),
        Index("ix_personal_data_access_at", "at"),
    )


@dataclass(frozen=True)
class Access:
    account_id: str
    actor: str
    action: Action
    what: str
    purpose: str
    at: datetime


class AccessLog:
    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table

    async def record(self, entries: Sequence[Access]) -> None:
        if entries:
            await self._session.execute(
                self._table.insert(),
                [{**asdict(e), "what": e.what[:200], "purpose": e.purpose[:200]} for e in entries],
            )

    async def page(
        self, query: "AuditQuery", *, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """The entries the query's filters match, newest first, and how many match."""
        log = self._table.c
        conditions: list[ColumnElement[bool]] = []
        if query.account_id:
            conditions.append(log.account_id == query.account_id)
        if query.actor:
            conditions.append(func.upper(log.actor) == query.actor.upper())
        if query.since is not None:
            conditions.append(log.at >= datetime.combine(query.since, time(), UTC))
        if query.until is not None:
            end = datetime.combine(query.until, time(), UTC) + timedelta(days=1)
            conditions.append(log.at < end)
        total = await self._session.scalar(
            select(func.count()).select_from(self._table).where(*conditions)
        )
        rows = await self._session.execute(
            select(self._table)
            .where(*conditions)
            .order_by(log.at.desc(), log.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [dict(row) for row in rows.mappings()], int(total or 0)


class AuditQuery(BaseModel):
    """The audit's filters (all optional) and page."""

    model_config = ConfigDict(extra="forbid")

    account_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=64, description="a staff id, e.g. AM-01")
    since: date | None = Field(default=None, description="from this day (UTC), inclusive")
    until: date | None = Field(default=None, description="to this day (UTC), inclusive")
    page: int = Field(default=1, ge=1, le=10_000)
    page_size: int = Field(default=50, ge=1, le=500)


class AuditEntryOut(BaseModel):
    account_id: str
    actor: str
    action: Action
    what: str
    purpose: str
    at: datetime


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    page: int
    page_size: int
    pages: int


async def audit_page(log: AccessLog, query: AuditQuery) -> AuditPage:
    rows, total = await log.page(
        query, offset=(query.page - 1) * query.page_size, limit=query.page_size
    )
    return AuditPage(
        items=[AuditEntryOut.model_validate(row) for row in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
        pages=max(1, -(-total // query.page_size)),
    )


async def audit_page_context(
    params: dict[str, str], log: AccessLog, action: str
) -> tuple[dict[str, Any], int]:
    """The context of the shared `personal_data_audit.html` page for a page's query parameters
    (empty ones and the language left out), and its status: 422 with the reasons when the
    filters do not hold."""
    filters = {key: value for key, value in params.items() if value != "" and key != "lang"}
    context: dict[str, Any] = {"params": filters, "action": action}
    try:
        query = AuditQuery.model_validate(filters)
    except ValidationError as exc:
        message = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        context.update(entries=None, error=message)
        return context, 422
    context.update(entries=await audit_page(log, query), error=None)
    return context, 200

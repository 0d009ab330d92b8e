"""Read side for the API, the pages and the metrics."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.adapters.scoping import tickets_visible
from complaints.adapters.tables import (
    accounts,
    calendars,
    sla_policies,
    standard_answers,
    ticket_clocks,
    ticket_history,
    tickets,
)
from complaints.domain.scope import Visibility

STARTED = ("running", "paused")
# A breach happens at the deadline; the scheduler records it in the row a moment later.
BREACHED_AT = func.coalesce(ticket_clocks.c.breached_at, ticket_clocks.c.deadline)


def breached_by(now: datetime) -> ColumnElement[bool]:
    """A started clock that breached, recorded or not yet recorded."""
    return and_(
        ticket_clocks.c.state.in_(STARTED),
        or_(
            ticket_clocks.c.breached_at.is_not(None),
            and_(ticket_clocks.c.state == "running", ticket_clocks.c.deadline <= now),
        ),
    )


class ComplaintQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def _ticket_list(self) -> Select[Any]:
        return select(
            tickets.c.id,
            tickets.c.account_id,
            func.coalesce(accounts.c.name, "").label("account_name"),
            tickets.c.channel,
            tickets.c.category,
            tickets.c.severity,
            tickets.c.status,
            tickets.c.vip,
            tickets.c.tier,
            tickets.c.department,
            tickets.c.handler,
            tickets.c.opened_at,
            tickets.c.next_deadline_at,
            tickets.c.escalation_level,
            tickets.c.repeat_count,
            tickets.c.cause_repeat_count,
        ).select_from(tickets.outerjoin(accounts, accounts.c.account_id == tickets.c.account_id))

    async def queue(
        self,
        *,
        status: str | None,
        severity: int | None,
        account_id: str | None,
        include_closed: bool,
        limit: int,
        offset: int,
        visible_to: Visibility,
    ) -> tuple[list[dict[str, Any]], int]:
        """Tickets by time to breach: the nearest deadline first, then severity, then age."""
        conditions = [tickets_visible(visible_to)]
        if status:
            conditions.append(tickets.c.status == status)
        elif not include_closed:
            conditions.append(tickets.c.status != "closed")
        if severity:
            conditions.append(tickets.c.severity == severity)
        if account_id:
            conditions.append(tickets.c.account_id == account_id)
        where = and_(*conditions)
        total = await self._session.scalar(select(func.count()).select_from(tickets).where(where))
        rows = (
            await self._session.execute(
                self._ticket_list()
                .where(where)
                .order_by(
                    tickets.c.next_deadline_at.asc().nulls_last(),
                    tickets.c.severity,
                    tickets.c.opened_at,
                )
                .limit(limit)
                .offset(offset)
            )
        ).mappings()
        items = [dict(row) for row in rows]
        await self._attach_clocks(items)
        return items, int(total or 0)

    async def _attach_clocks(self, items: list[dict[str, Any]]) -> None:
        by_id = {item["id"]: item for item in items}
        for item in items:
            item["clocks"] = []
        if not by_id:
            return
        result = await self._session.execute(
            select(ticket_clocks)
            .where(ticket_clocks.c.ticket_id.in_(list(by_id)))
            .order_by(ticket_clocks.c.ticket_id, ticket_clocks.c.deadline.nulls_last())
        )
        for clock in result.mappings():
            by_id[clock["ticket_id"]]["clocks"].append(dict(clock))

    async def ticket(self, ticket_id: str, *, visible_to: Visibility) -> dict[str, Any] | None:
        """A ticket with its account's name, clocks and history, if it is in `visible_to`."""
        row = (
            (
                await self._session.execute(
                    select(tickets, func.coalesce(accounts.c.name, "").label("account_name"))
                    .select_from(
                        tickets.outerjoin(accounts, accounts.c.account_id == tickets.c.account_id)
                    )
                    .where(tickets.c.id == ticket_id, tickets_visible(visible_to))
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        ticket = dict(row)
        await self._attach_clocks([ticket])
        history = await self._session.execute(
            select(ticket_history)
            .where(ticket_history.c.ticket_id == ticket_id)
            .order_by(ticket_history.c.id)
        )
        ticket["history"] = [dict(entry) for entry in history.mappings()]
        return ticket

    async def board(self, *, now: datetime, limit: int = 100) -> dict[str, Any]:
        """The ops SLA board: open tickets by severity, breached and warned clocks."""
        counts = await self.open_by_severity()
        clock_rows = (
            self._ticket_list()
            .add_columns(
                ticket_clocks.c.clock,
                ticket_clocks.c.state.label("clock_state"),
                ticket_clocks.c.deadline,
                BREACHED_AT.label("breached_at"),
                ticket_clocks.c.warnings_fired,
            )
            .join(ticket_clocks, ticket_clocks.c.ticket_id == tickets.c.id)
        )
        breached = breached_by(now)
        warned = and_(
            ticket_clocks.c.state.in_(STARTED), not_(breached), ticket_clocks.c.warnings_fired > 0
        )
        breached_rows = (
            await self._session.execute(
                clock_rows.where(breached)
                # A live feed: the newest breach on top.
                .order_by(BREACHED_AT.desc(), tickets.c.id)
                .limit(limit)
            )
        ).mappings()
        breached_items = [dict(row) for row in breached_rows]
        warned_rows = (
            await self._session.execute(
                clock_rows.where(warned).order_by(ticket_clocks.c.deadline).limit(limit)
            )
        ).mappings()
        totals = (
            await self._session.execute(
                select(func.count().filter(breached), func.count().filter(warned)).where(
                    ticket_clocks.c.state.in_(STARTED)
                )
            )
        ).one()
        return {
            "now": now,
            "open_by_severity": counts,
            "open_total": sum(counts.values()),
            "breached_total": int(totals[0]),
            "warned_total": int(totals[1]),
            "breached": breached_items,
            "warned": [dict(row) for row in warned_rows],
        }

    async def open_by_severity(self) -> dict[int, int]:
        result = await self._session.execute(
            select(tickets.c.severity, func.count())
            .where(tickets.c.status != "closed")
            .group_by(tickets.c.severity)
        )
        counts = {1: 0, 2: 0, 3: 0}
        counts.update({int(severity): int(count) for severity, count in result})
        return counts

    async def sla_gauges(
        self, *, now: datetime, within: Sequence[tuple[str, float]]
    ) -> dict[str, Any]:
        """Figures for the Prometheus gauges: open tickets, breached clocks, time to breach."""
        breached = await self._session.scalar(
            select(func.count()).select_from(ticket_clocks).where(breached_by(now))
        )
        running = and_(ticket_clocks.c.state == "running", ticket_clocks.c.deadline > now)
        counts = [
            func.count().filter(ticket_clocks.c.deadline <= now + timedelta(seconds=seconds))
            if seconds != float("inf")
            else func.count()
            for _, seconds in within
        ]
        row = (
            await self._session.execute(
                select(func.min(ticket_clocks.c.deadline), *counts).where(running)
            )
        ).one()
        return {
            "open_by_severity": await self.open_by_severity(),
            "breached_open": int(breached or 0),
            "nearest_deadline": row[0],
            "running_within": {
                label: int(count) for (label, _), count in zip(within, row[1:], strict=True)
            },
        }

    async def calendars(self) -> list[dict[str, Any]]:
        result = await self._session.execute(select(calendars).order_by(calendars.c.name))
        return [dict(row) for row in result.mappings()]

    async def policies(self) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(sla_policies).order_by(sla_policies.c.version.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def standard_answers(self, category: str | None = None) -> list[dict[str, Any]]:
        query = select(standard_answers).order_by(
            standard_answers.c.category, standard_answers.c.id
        )
        if category:
            query = query.where(standard_answers.c.category == category)
        return [dict(row) for row in (await self._session.execute(query)).mappings()]

    async def repeat_counts(self, *, since: datetime) -> Sequence[dict[str, Any]]:
        """Accounts with more than one ticket since `since`: the repeat-complaint list."""
        result = await self._session.execute(
            select(tickets.c.account_id, func.count().label("tickets"))
            .where(tickets.c.opened_at >= since)
            .group_by(tickets.c.account_id)
            .having(func.count() > 1)
            .order_by(func.count().desc())
            .limit(50)
        )
        return [dict(row) for row in result.mappings()]

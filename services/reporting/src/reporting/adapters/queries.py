"""Reads of the read models for the KPIs, the API and the pages.

Every read takes `known` (the "as of" cut-off): only rows that arrived before it count, so a
past figure never moves. Each row carries the event id behind it, for the drill-down.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Select, Table, and_, select, true
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from reporting.adapters.tables import (
    account_facts,
    events,
    feedback,
    order_changes,
    order_lines,
    orders,
    plan_facts,
    targets,
    ticket_facts,
    visits,
)


def latest_of_each(key: Column[Any], candidates: Select[Any], facts: Select[Any]) -> Select[Any]:
    """The latest of `facts` (by when it happened, then arrived, then event id) for each `key`
    that `candidates` selects.

    One lookup per candidate (a LATERAL join) rather than `key IN (candidates)` with DISTINCT ON
    over every fact: the planner picked a nested loop over every fact for each fact when the
    table's statistics were older than its rows (a freshly filled table took 0.9 s for 2,000
    accounts instead of under 1 ms), and the lookup's cost does not depend on the statistics.
    """
    table = key.table
    wanted = candidates.distinct().subquery("candidates")
    latest = (
        facts.where(key == wanted.c[key.name])
        .order_by(table.c.occurred_at.desc(), table.c.arrived_at.desc(), table.c.event_id.desc())
        .limit(1)
        .lateral("latest")
    )
    return select(*latest.c).select_from(wanted).join(latest, true())


@dataclass(frozen=True)
class AttributeValue:
    value: str | None
    event_id: str


@dataclass(frozen=True)
class Registration:
    account_id: str
    occurred_at: datetime
    event_id: str


@dataclass(frozen=True)
class FeedbackRow:
    event_id: str
    account_id: str
    csat: int | None
    nps: int | None


@dataclass(frozen=True)
class OrderRow:
    """An order of the window that was not cancelled, net of its returns."""

    event_id: str
    order_id: str
    account_id: str
    occurred_at: datetime
    net: Decimal
    change_event_ids: tuple[str, ...]


@dataclass(frozen=True)
class LineRow:
    order_id: str
    category: str
    amount: Decimal


@dataclass(frozen=True)
class TicketRow:
    event_id: str
    ticket_id: str
    account_id: str
    kind: str
    clock: str | None


@dataclass(frozen=True)
class PlanRow:
    """An item's latest step as of the cut-off."""

    event_id: str
    item_id: str
    account_id: str
    owner: str | None
    kind: str | None
    state: str
    due_on: date
    on_time: bool | None


@dataclass(frozen=True)
class VisitRow:
    event_id: str
    account_id: str
    manager: str
    occurred_on: date


@dataclass(frozen=True)
class TargetRow:
    event_id: str
    manager: str
    month: str
    amount: Decimal


@dataclass(frozen=True)
class EventRow:
    event_id: str
    type: str
    account_id: str
    occurred_at: datetime
    arrived_at: datetime


class KpiQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def attribute(
        self,
        attribute: str,
        *,
        at: datetime,
        known: datetime,
        accounts: Sequence[str] | None = None,
    ) -> dict[str, AttributeValue]:
        """Each account's latest value of `attribute` that happened before `at`, of `accounts`
        (None: every account)."""
        f = account_facts
        query = (
            select(f.c.account_id, f.c.value, f.c.event_id)
            .where(f.c.attribute == attribute, f.c.occurred_at < at, f.c.arrived_at < known)
            .order_by(
                f.c.account_id, f.c.occurred_at.desc(), f.c.arrived_at.desc(), f.c.event_id.desc()
            )
            .ext(distinct_on(f.c.account_id))
        )
        rows = await self._for_accounts(query, f, accounts)
        return {row.account_id: AttributeValue(row.value, row.event_id) for row in rows}

    async def owners(
        self, *, managers: Sequence[str], at: datetime, known: datetime
    ) -> dict[str, AttributeValue]:
        """The accounts whose latest manager before `at` is one of `managers`: only the accounts
        that ever had one of them are read, not every account."""
        f = account_facts
        counted = and_(f.c.attribute == "manager", f.c.occurred_at < at, f.c.arrived_at < known)
        ever = select(f.c.account_id).where(counted, f.c.value.in_(list(managers)))
        query = latest_of_each(
            f.c.account_id, ever, select(f.c.account_id, f.c.value, f.c.event_id).where(counted)
        )
        rows = (await self._session.execute(query)).all()
        return {
            row.account_id: AttributeValue(row.value, row.event_id)
            for row in rows
            if row.value in managers
        }

    async def registrations(
        self, *, known: datetime, accounts: Sequence[str] | None = None
    ) -> list[Registration]:
        """The first registration known by the cut-off of each of `accounts` (None: every
        account)."""
        f = account_facts
        query = (
            select(f.c.account_id, f.c.occurred_at, f.c.event_id)
            .where(f.c.attribute == "registered", f.c.arrived_at < known)
            .order_by(f.c.account_id, f.c.occurred_at, f.c.event_id)
            .ext(distinct_on(f.c.account_id))
        )
        return [Registration(*row) for row in await self._for_accounts(query, f, accounts)]

    async def feedback(
        self,
        *,
        start: datetime,
        end: datetime,
        known: datetime,
        accounts: Sequence[str] | None = None,
    ) -> list[FeedbackRow]:
        """Answers given in [start, end), of `accounts` (None: every account)."""
        f = feedback
        query = (
            select(f.c.event_id, f.c.account_id, f.c.csat, f.c.nps)
            .where(f.c.occurred_at >= start, f.c.occurred_at < end, f.c.arrived_at < known)
            .order_by(f.c.occurred_at, f.c.event_id)
        )
        return [FeedbackRow(*row) for row in await self._for_accounts(query, f, accounts)]

    async def orders(
        self,
        *,
        start: datetime,
        end: datetime,
        known: datetime,
        accounts: Sequence[str] | None = None,
    ) -> list[OrderRow]:
        """Orders of `accounts` (None: every account) placed in [start, end), without the
        cancelled ones, net of returns that happened before `end`; both known by the cut-off."""
        o = orders
        query = (
            select(o.c.event_id, o.c.order_id, o.c.account_id, o.c.occurred_at, o.c.total)
            .where(o.c.occurred_at >= start, o.c.occurred_at < end, o.c.arrived_at < known)
            .order_by(o.c.occurred_at, o.c.order_id)
        )
        placed = await self._for_accounts(query, o, accounts)
        changes: dict[str, list[tuple[str, str, Decimal | None]]] = {}
        c = order_changes
        order_ids = [row.order_id for row in placed]
        for chunk in _chunks(order_ids):
            rows = await self._session.execute(
                select(c.c.order_id, c.c.event_id, c.c.kind, c.c.amount)
                .where(c.c.order_id.in_(chunk), c.c.occurred_at < end, c.c.arrived_at < known)
                .order_by(c.c.event_id)
            )
            for change in rows:
                changes.setdefault(change.order_id, []).append(
                    (change.event_id, change.kind, change.amount)
                )
        result = []
        for row in placed:
            own = changes.get(row.order_id, [])
            if any(kind == "cancelled" for _, kind, _ in own):
                continue
            returned = sum((amount or Decimal(0) for _, kind, amount in own), Decimal(0))
            result.append(
                OrderRow(
                    row.event_id,
                    row.order_id,
                    row.account_id,
                    row.occurred_at,
                    row.total - returned,
                    tuple(event_id for event_id, _, _ in own),
                )
            )
        return result

    async def lines(self, order_ids: Sequence[str]) -> list[LineRow]:
        result: list[LineRow] = []
        for chunk in _chunks(list(order_ids)):
            rows = await self._session.execute(
                select(order_lines.c.order_id, order_lines.c.category, order_lines.c.amount)
                .where(order_lines.c.order_id.in_(chunk))
                .order_by(order_lines.c.order_id, order_lines.c.line)
            )
            result += [LineRow(*row) for row in rows.all()]
        return result

    async def tickets(
        self,
        *,
        start: datetime,
        end: datetime,
        known: datetime,
        accounts: Sequence[str] | None = None,
    ) -> list[TicketRow]:
        """Tickets filed and clocks met or breached in [start, end), of `accounts`."""
        t = ticket_facts
        query = (
            select(t.c.event_id, t.c.ticket_id, t.c.account_id, t.c.kind, t.c.clock)
            .where(t.c.occurred_at >= start, t.c.occurred_at < end, t.c.arrived_at < known)
            .order_by(t.c.occurred_at, t.c.event_id)
        )
        return [TicketRow(*row) for row in await self._for_accounts(query, t, accounts)]

    async def plan_items(
        self,
        *,
        due_from: date,
        due_before: date,
        end: datetime,
        known: datetime,
        owners: Sequence[str] | None = None,
    ) -> list[PlanRow]:
        """Each item's latest step before `end` (known by the cut-off), if it is then due in
        [due_from, due_before); of the items some step gave to one of `owners` (None: all)."""
        p = plan_facts
        counted = and_(p.c.occurred_at < end, p.c.arrived_at < known)
        # An item whose latest step is due in the range (and owned by one of them) has a step due
        # in it (and owned by one of them): only those items' steps are read (a year of plans
        # holds millions of steps, a month a tenth of them, a manager's month a few hundred).
        candidates = select(p.c.item_id).where(
            counted, p.c.due_on >= due_from, p.c.due_on < due_before
        )
        if owners is not None:
            candidates = candidates.where(p.c.owner.in_(list(owners)))
        latest = latest_of_each(
            p.c.item_id,
            candidates,
            select(
                p.c.event_id,
                p.c.item_id,
                p.c.account_id,
                p.c.owner,
                p.c.kind,
                p.c.state,
                p.c.due_on,
                p.c.on_time,
            ).where(counted),
        ).subquery()
        query = (
            select(latest)
            .where(and_(latest.c.due_on >= due_from, latest.c.due_on < due_before))
            .order_by(latest.c.item_id)
        )
        return [PlanRow(*row) for row in (await self._session.execute(query)).all()]

    async def visits(
        self, *, start: date, end: date, known: datetime, managers: Sequence[str] | None
    ) -> list[VisitRow]:
        """Visits made in [start, end) by one of `managers` (None: by anyone)."""
        v = visits
        query = (
            select(v.c.event_id, v.c.account_id, v.c.manager, v.c.occurred_on)
            .where(v.c.occurred_on >= start, v.c.occurred_on < end, v.c.arrived_at < known)
            .order_by(v.c.occurred_on, v.c.event_id)
        )
        if managers is not None:
            query = query.where(v.c.manager.in_(list(managers)))
        return [VisitRow(*row) for row in (await self._session.execute(query)).all()]

    async def targets(
        self, *, months: Sequence[str], known: datetime, managers: Sequence[str] | None
    ) -> list[TargetRow]:
        """The latest target of each month of each of `managers` (None: every manager), as set
        by the cut-off."""
        t = targets
        query = (
            select(t.c.event_id, t.c.manager, t.c.month, t.c.amount)
            .where(t.c.month.in_(list(months)), t.c.occurred_at < known, t.c.arrived_at < known)
            .order_by(t.c.manager, t.c.month, t.c.occurred_at.desc(), t.c.event_id.desc())
            .ext(distinct_on(t.c.manager, t.c.month))
        )
        if managers is not None:
            query = query.where(t.c.manager.in_(list(managers)))
        return [TargetRow(*row) for row in (await self._session.execute(query)).all()]

    async def events(self, event_ids: Iterable[str]) -> list[EventRow]:
        """The events behind a figure, oldest first."""
        result: list[EventRow] = []
        for chunk in _chunks(sorted(set(event_ids))):
            rows = await self._session.execute(
                select(
                    events.c.event_id,
                    events.c.type,
                    events.c.account_id,
                    events.c.occurred_at,
                    events.c.arrived_at,
                ).where(events.c.event_id.in_(chunk))
            )
            result += [EventRow(*row) for row in rows.all()]
        return sorted(result, key=lambda row: (row.occurred_at, row.event_id))

    async def _for_accounts(
        self, query: Select[Any], table: Table, accounts: Sequence[str] | None
    ) -> list[Any]:
        """The query's rows, of the accounts given (in chunks), or of every account."""
        if accounts is None:
            return list((await self._session.execute(query)).all())
        rows: list[Any] = []
        for chunk in _chunks(sorted(accounts)):
            rows += (await self._session.execute(query.where(table.c.account_id.in_(chunk)))).all()
        return rows

    async def managers(self, *, known: datetime) -> list[str]:
        """Every manager an account or a visit named by the cut-off."""
        owners = select(account_facts.c.value).where(
            account_facts.c.attribute == "manager",
            account_facts.c.value.is_not(None),
            account_facts.c.arrived_at < known,
        )
        visitors = select(visits.c.manager).where(visits.c.arrived_at < known)
        rows = await self._session.execute(owners.union(visitors))
        return sorted(str(value) for value in rows.scalars())


def _chunks(values: list[str], size: int = 5000) -> Iterable[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]

"""Tickets with their clocks and history: bulk reads and writes, one statement per kind of
change per batch."""

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.outbox import withdraw_staged
from complaints.adapters.scoping import tickets_visible
from complaints.adapters.tables import outbox, ticket_clocks, ticket_history, tickets
from complaints.domain.clocks import SlaClock
from complaints.domain.policy import ClockTarget
from complaints.domain.scope import Visibility
from complaints.domain.tickets import Ticket

# Loading a batch gives the event loop a turn this often.
YIELD_EVERY = 50
TICKET_FIELDS = (
    "account_id",
    "contact",
    "channel",
    "category",
    "severity",
    "description",
    "policy_version",
    "tier",
    "vip",
    "opened_at",
    "opened_by",
    "status",
    "department",
    "handler",
    "remedy",
    "solution",
    "root_cause",
    "satisfaction",
    "escalation_level",
    "ops_escalation_due",
    "reopen_count",
    "repeat_count",
    "cause_repeat_count",
)
CLOCK_FIELDS = (
    "state",
    "cycle",
    "budget",
    "consumed",
    "started_at",
    "segment_start",
    "deadline",
    "paused_since",
    "pause_reason",
    "paused_total",
    "stopped_at",
    "warnings_fired",
    "breached_at",
)


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    row = {name: getattr(ticket, name) for name in TICKET_FIELDS}
    row.update(
        id=ticket.id,
        order_refs=list(ticket.order_refs),
        milestones={name: at.isoformat() for name, at in ticket.milestones.items()},
        next_deadline_at=ticket.next_deadline(),
    )
    return row


def clock_row(ticket_id: str, clock: SlaClock) -> dict[str, Any]:
    row = {name: getattr(clock, name) for name in CLOCK_FIELDS}
    row.update(
        ticket_id=ticket_id,
        clock=clock.name,
        amount=clock.target.amount,
        unit=clock.target.unit,
        calendar=clock.target.calendar,
        pausable=clock.target.pausable,
        thresholds=list(clock.thresholds),
    )
    return row


def ticket_from_rows(row: Any, clock_rows: Iterable[Any]) -> Ticket:
    values = {name: getattr(row, name) for name in TICKET_FIELDS}
    ticket = Ticket(
        id=row.id,
        order_refs=tuple(row.order_refs),
        milestones={name: datetime.fromisoformat(at) for name, at in row.milestones.items()},
        **values,
    )
    for clock in clock_rows:
        ticket.clocks[clock.clock] = SlaClock(
            name=clock.clock,
            target=ClockTarget(clock.amount, clock.unit, clock.calendar, clock.pausable),
            thresholds=tuple(clock.thresholds),
            **{name: getattr(clock, name) for name in CLOCK_FIELDS},
        )
    return ticket


@dataclass(frozen=True)
class StoredRows:
    """A ticket as rows: its own (without updated_at) and one per clock."""

    ticket: dict[str, Any]
    clocks: dict[str, dict[str, Any]]


def stored_rows(ticket: Ticket) -> StoredRows:
    return StoredRows(
        ticket=ticket_row(ticket),
        clocks={name: clock_row(ticket.id, clock) for name, clock in ticket.clocks.items()},
    )


class RowWrites:
    """Collects inserts and column updates of one table, then runs them as few statements:
    one insert, and one executemany update per set of changed columns."""

    def __init__(self, table: Table, keys: tuple[str, ...]) -> None:
        self._table = table
        self._keys = keys
        self._inserts: list[dict[str, Any]] = []
        self._updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}

    def add(self, row: dict[str, Any], before: dict[str, Any] | None) -> bool:
        """Queue the row's insert, or the update of its changed columns; True if anything."""
        if before is None:
            self._inserts.append(row)
            return True
        changed = tuple(sorted(name for name, value in row.items() if before.get(name) != value))
        if changed:
            params = {name: row[name] for name in changed}
            params.update({f"key_{key}": row[key] for key in self._keys})
            self._updates.setdefault(changed, []).append(params)
        return bool(changed)

    async def execute(self, session: AsyncSession) -> None:
        if self._inserts:
            await session.execute(self._table.insert(), self._inserts)
        for columns, rows in self._updates.items():
            statement = (
                update(self._table)
                .where(*[self._table.c[key] == bindparam(f"key_{key}") for key in self._keys])
                .values({name: bindparam(name) for name in columns})
                .execution_options(synchronize_session=False)
            )
            await session.execute(statement, rows)


class TicketRepository:
    """Tickets with their clocks. Rows as loaded are remembered, so saving writes only the
    columns that changed (the scheduler's batches touch a few columns of thousands of rows)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._stored: dict[str, StoredRows] = {}

    async def get(
        self, ticket_id: str, *, visible_to: Visibility, lock: bool = True
    ) -> Ticket | None:
        """Load one ticket if it is in `visible_to`, locked for a change unless told otherwise."""
        found = await self._load([ticket_id], lock=lock, remember=True, visible_to=visible_to)
        return found.get(ticket_id)

    async def get_many(
        self, ticket_ids: Iterable[str], *, lock: bool = True, remember: bool = True
    ) -> dict[str, Ticket]:
        """Load tickets, whoever's they are (the scheduler's batches), locked in id order so
        concurrent batches never deadlock. Without `remember` their rows are not kept for
        `save` (staging reads tickets, never saves them).

        Locked for a change, a ticket's staged events are withdrawn (the change stages them
        anew): read the clock only after this, so that an event a relay published meanwhile
        is part of the past the change sees.
        """
        return await self._load(ticket_ids, lock=lock, remember=remember, visible_to=None)

    async def _load(
        self, ticket_ids: Iterable[str], *, lock: bool, remember: bool, visible_to: Visibility
    ) -> dict[str, Ticket]:
        ids = sorted(set(ticket_ids))
        if not ids:
            return {}
        query = (
            select(tickets)
            .where(tickets.c.id.in_(ids), tickets_visible(visible_to))
            .order_by(tickets.c.id)
        )
        rows = (await self._session.execute(query.with_for_update() if lock else query)).all()
        if lock:
            await withdraw_staged(self._session, outbox, ids)
        clocks: dict[str, list[Any]] = {}
        for clock in await self._session.execute(
            select(ticket_clocks).where(ticket_clocks.c.ticket_id.in_(ids))
        ):
            clocks.setdefault(clock.ticket_id, []).append(clock)
        loaded: dict[str, Ticket] = {}
        for count, row in enumerate(rows, start=1):
            ticket = loaded[row.id] = ticket_from_rows(row, clocks.get(row.id, []))
            if remember:
                self._stored[ticket.id] = stored_rows(ticket)
            if count % YIELD_EVERY == 0:
                # A batch of the scheduler shares the event loop with the relay (decision 0015).
                await asyncio.sleep(0)
        return loaded

    async def save(self, changed: Sequence[Ticket], *, now: datetime) -> None:
        """Insert new tickets and clocks, update the changed columns of known ones, and append
        the tickets' new history entries."""
        if not changed:
            return
        ticket_writes = RowWrites(tickets, ("id",))
        clock_writes = RowWrites(ticket_clocks, ("ticket_id", "clock"))
        for ticket in changed:
            before = self._stored.get(ticket.id)
            after = stored_rows(ticket)
            clocks_changed = [
                clock_writes.add(row, before.clocks.get(name) if before else None)
                for name, row in after.clocks.items()
            ]
            if (
                before is None
                or before.ticket != after.ticket
                or any(clocks_changed)
                or ticket.history
            ):
                # `updated_at` is not in the remembered rows, so it is always among the changes.
                ticket_writes.add(
                    {**after.ticket, "updated_at": now}, before.ticket if before else None
                )
            self._stored[ticket.id] = after
        # Tickets first: clocks refer to them.
        await ticket_writes.execute(self._session)
        await clock_writes.execute(self._session)
        history = [
            {
                "ticket_id": ticket.id,
                "at": entry.at,
                "actor": entry.actor,
                "action": entry.action,
                "detail": dict(entry.detail),
            }
            for ticket in changed
            for entry in ticket.history
        ]
        if history:
            await self._session.execute(ticket_history.insert(), history)
        for ticket in changed:
            ticket.history.clear()

    async def count_recent_for_account(self, account_id: str, *, since: datetime) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(tickets)
            .where(tickets.c.account_id == account_id, tickets.c.opened_at >= since)
        )
        return int(count or 0)

    async def count_same_root_cause(
        self, root_cause: str, *, since: datetime, other_than: str
    ) -> int:
        count = await self._session.scalar(
            select(func.count())
            .select_from(tickets)
            .where(
                func.lower(func.trim(tickets.c.root_cause)) == root_cause.strip().lower(),
                tickets.c.opened_at >= since,
                tickets.c.id != other_than,
            )
        )
        return int(count or 0)

    async def ids_with_started_clocks_on(self, calendar: str) -> list[str]:
        result = await self._session.execute(
            select(ticket_clocks.c.ticket_id)
            .where(
                ticket_clocks.c.calendar == calendar,
                ticket_clocks.c.state.in_(("running", "paused")),
            )
            .distinct()
        )
        return list(result.scalars())

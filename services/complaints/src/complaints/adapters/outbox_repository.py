"""The tickets' domain events into the outbox, as contract events (see `published`)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import is_any_of
from chassis.outbox import Outbox
from chassis.scheduler import ceil_to_millisecond
from complaints.adapters.published import event_id, timed_event_id, to_contract
from complaints.adapters.tables import outbox
from complaints.domain.events import TimedEvent
from complaints.domain.tickets import Ticket


class OutboxRepository:
    def __init__(self, session: AsyncSession, pending: Outbox) -> None:
        self._session = session
        self._pending = pending

    async def record(self, changed: Sequence[Ticket]) -> None:
        """Publish the tickets' new events at commit. A time-driven event whose staged copy is
        in the outbox already (published at its moment) is not written again."""
        recorded = [
            (ticket, event, event_id(ticket, event))
            for ticket in changed
            for event in ticket.events
        ]
        in_outbox = await self._already_in([known for *_, known in recorded if known])
        for ticket, event, known_id in recorded:
            if known_id not in in_outbox:
                self._pending.add(to_contract(ticket, event), time=event.at, id=known_id)

    def stage(self, ticket: Ticket, event: TimedEvent) -> None:
        """Publish a foreseen event at its moment unless the ticket withdraws it first."""
        self._pending.stage(
            to_contract(ticket, event),
            at=ceil_to_millisecond(event.at),
            by=ticket.id,
            id=timed_event_id(ticket, event),
        )

    async def _already_in(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        found = await self._session.scalars(
            select(outbox.c.event_id).where(is_any_of(outbox.c.event_id, ids))
        )
        return set(found)

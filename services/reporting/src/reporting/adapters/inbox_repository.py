"""Reporting's inbox: which consumed events were already counted."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.inbox import DUPLICATES
from chassis.kafka import ReceivedEvent
from reporting.adapters.bulk import unnest_insert
from reporting.adapters.tables import inbox


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new_events(
        self, *, consumer: str, events: Sequence[ReceivedEvent]
    ) -> list[ReceivedEvent]:
        """The events of a batch this consumer never counted, each id once, in batch order,
        claimed in this transaction (chassis.inbox.new_events, inserted in one `unnest`)."""
        unique = list({event.id: event for event in reversed(events)}.values())[::-1]
        if not unique:
            return []
        statement = unnest_insert(
            inbox, [{"consumer": consumer, "event_id": event.id} for event in unique]
        ).returning(inbox.c.event_id)
        fresh = set((await self._session.execute(statement)).scalars())
        DUPLICATES.labels(consumer).inc(len(events) - len(fresh))
        return [event for event in unique if event.id in fresh]

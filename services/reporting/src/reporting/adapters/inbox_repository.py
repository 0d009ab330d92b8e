"""Reporting's inbox: which consumed events were already counted."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.inbox import new_events
from chassis.kafka import ReceivedEvent
from reporting.adapters.tables import inbox


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def new_events(
        self, *, consumer: str, events: Sequence[ReceivedEvent]
    ) -> list[ReceivedEvent]:
        """The events of a batch this consumer never counted, claimed in this transaction."""
        return await new_events(self._session, inbox, consumer=consumer, events=events)

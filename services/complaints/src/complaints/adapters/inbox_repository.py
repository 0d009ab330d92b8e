"""Ids of the events consumed already, per consumer."""

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.inbox import claim_new_events
from complaints.adapters.tables import inbox


class InboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim_new(self, *, consumer: str, event_ids: Iterable[str]) -> set[str]:
        """Record the ids; returns those never seen before (the rest are duplicates)."""
        return await claim_new_events(self._session, inbox, consumer=consumer, event_ids=event_ids)

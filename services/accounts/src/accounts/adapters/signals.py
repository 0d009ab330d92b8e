"""Signals from other services kept as local read models: feedback and complaints."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import complaints, feedback, signal_feeds
from contracts.complaints_v1 import TicketFiled
from contracts.engagement_v1 import FeedbackRecorded


class SignalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_feedback(self, answers: Sequence[FeedbackRecorded]) -> None:
        if answers:
            await self._session.execute(
                insert(feedback)
                .values(
                    [
                        {
                            "feedback_id": a.feedback_id,
                            "account_id": a.account_id,
                            "csat": a.csat,
                            "nps": a.nps,
                            "context": a.context,
                            "responded_at": a.responded_at,
                        }
                        for a in answers
                    ]
                )
                .on_conflict_do_nothing()
            )

    async def record_complaints(self, filed: Sequence[TicketFiled]) -> None:
        if filed:
            await self._session.execute(
                insert(complaints)
                .values(
                    [
                        {
                            "ticket_id": t.ticket_id,
                            "account_id": t.account_id,
                            "category": t.category,
                            "severity": t.severity,
                            "filed_at": t.filed_at,
                        }
                        for t in filed
                    ]
                )
                .on_conflict_do_nothing()
            )

    async def mark_feed_started(self, feed: str, at: datetime) -> bool:
        """Record when a feed's data starts (its first batch); True the first time only."""
        result = await self._session.execute(
            insert(signal_feeds)
            .values(feed=feed, first_event_at=at)
            .on_conflict_do_nothing()
            .returning(signal_feeds.c.feed)
        )
        return result.first() is not None

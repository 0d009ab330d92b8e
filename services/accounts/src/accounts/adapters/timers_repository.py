"""The accounts' durable timers: each account's next time-driven evaluation, and global ones."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import timers
from accounts.domain import timers as kinds
from chassis.db import is_any_of
from chassis.scheduler import Timer, schedule_timers


class TimerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def reschedule_evaluations(self, due: dict[str, datetime | None]) -> None:
        """Replace the pending time-driven evaluation of these accounts.

        Timers being fired right now are locked by their scheduler and skipped (not waited
        for): they are already spent, and waiting could deadlock with the scheduler.
        """
        if not due:
            return
        keys = [kinds.evaluation_key(account_id) for account_id in due]
        pending = (
            select(timers.c.id)
            .where(is_any_of(timers.c.key, keys), timers.c.fired_at.is_(None))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        await self._session.execute(timers.delete().where(timers.c.id.in_(pending)))
        await schedule_timers(
            self._session,
            timers,
            [
                Timer(
                    kinds.evaluation_key(account_id), kinds.EVALUATE, at, {"account_id": account_id}
                )
                for account_id, at in due.items()
                if at is not None
            ],
        )

    async def ensure_timer(self, key: str, kind: str, at: datetime) -> None:
        """Schedule a global timer unless one of that key is already pending."""
        pending = await self._session.scalar(
            select(func.count()).where(timers.c.key == key, timers.c.fired_at.is_(None))
        )
        if not pending:
            await schedule_timers(self._session, timers, [Timer(key, kind, at)])

"""Each account's pending upkeep timer: when its plan next needs attention."""

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.scheduler import Timer, cancel_timers, pending_timers, schedule_timers
from engagement.adapters.tables import timers

UPKEEP = "upkeep"


class TimerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_upkeep(self, due: Mapping[str, datetime]) -> None:
        """One pending upkeep timer per account, at `due[account]`; an unchanged one stays."""
        missing = dict(due)
        obsolete = []
        for timer in await pending_timers(self._session, timers, due):
            if timer.kind == UPKEEP and missing.get(timer.key) == timer.due_at:
                del missing[timer.key]
            else:
                obsolete.append(timer.id)
        await cancel_timers(self._session, timers, obsolete)
        await schedule_timers(
            self._session, timers, [Timer(key, UPKEEP, at) for key, at in missing.items()]
        )

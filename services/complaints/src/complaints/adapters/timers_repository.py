"""The tickets' pending SLA timers (the scheduler fires them; see `chassis.scheduler`)."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from chassis.scheduler import (
    Timer,
    cancel_timers,
    ceil_to_millisecond,
    mark_staged,
    pending_timers,
    schedule_timers,
)
from complaints.adapters.tables import timers


class TimerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_pending(
        self, keys: Iterable[str], wanted: Mapping[tuple[str, str], datetime]
    ) -> None:
        """Make the pending timers of these keys exactly `wanted` ((key, kind) -> due moment):
        unchanged ones stay, the others are cancelled or scheduled."""
        missing = {slot: ceil_to_millisecond(due) for slot, due in wanted.items()}
        obsolete = []
        for timer in await pending_timers(self._session, timers, keys):
            if missing.get((timer.key, timer.kind)) == timer.due_at:
                del missing[(timer.key, timer.kind)]
            else:
                obsolete.append(timer.id)
        await cancel_timers(self._session, timers, obsolete)
        await schedule_timers(
            self._session, timers, [Timer(key, kind, due) for (key, kind), due in missing.items()]
        )

    async def mark_staged(self, keys: Iterable[str], *, until: datetime, now: datetime) -> None:
        """The events of these keys' timers due up to `until` are staged in the outbox."""
        await mark_staged(self._session, timers, keys, until=until, now=now)

"""Writes of the read models: one bulk statement per table and batch."""

from collections.abc import Sequence

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.kafka import ReceivedEvent
from reporting.adapters.bulk import unnest_insert
from reporting.adapters.facts import to_rows
from reporting.adapters.tables import READ_MODELS

# Rows per INSERT statement (one array parameter a column).
CHUNK = 10_000
_TABLES: dict[str, Table] = {table.name: table for table in READ_MODELS}
# The advisory lock every counting transaction shares and a rebuild's swap takes alone, so
# the swap sees the live read models standing still.
SWAP_LOCK = 0x5245504F  # "REPO"


class FactRepository:
    def __init__(self, session: AsyncSession, *, live: bool = True) -> None:
        self._session = session
        self._live = live

    async def begin_batch(self) -> None:
        """Live: wait while a rebuild swaps the read models and hold off a swap until this
        commits. A rebuild's own writes go to the schema being built and never wait; nor do
        they wait for the WAL flush of each commit: a rebuild cut short by a crash is started
        again from offset 0, so losing its last commits loses nothing (the swap itself is a
        durable commit)."""
        if self._live:
            await self._session.execute(select(func.pg_advisory_xact_lock_shared(SWAP_LOCK)))
        else:
            await self._session.execute(text("SET LOCAL synchronous_commit TO OFF"))

    async def add(self, events: Sequence[ReceivedEvent]) -> None:
        """Insert every table's rows for the events; a fact already there (the same order
        placed twice under two event ids, say) keeps its first arrival."""
        for name, table_rows in to_rows(events).items():
            table = _TABLES[name]
            for start in range(0, len(table_rows), CHUNK):
                await self._session.execute(unnest_insert(table, table_rows[start : start + CHUNK]))

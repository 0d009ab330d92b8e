"""Idempotent consumption: (consumer, event id) is recorded in the handler's own transaction."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from prometheus_client import Counter
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.kafka import ReceivedEvent

DUPLICATES = Counter(
    "rapport_inbox_duplicates_total", "Events dropped as already processed", ["consumer"]
)


def inbox_table(metadata: MetaData) -> Table:
    return Table(
        "inbox",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", String(200), primary_key=True),
        Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        # What the retention job deletes by.
        Index("ix_inbox_received_at", "received_at"),
    )


async def claim_new_events(
    session: AsyncSession, table: Table, *, consumer: str, event_ids: Iterable[str]
) -> set[str]:
    """Record the ids and return those never seen before; the rest are duplicates to skip."""
    ids = list(dict.fromkeys(event_ids))
    if not ids:
        return set()
    # One array parameter, not a VALUES row per id: the statement is compiled once and cached,
    # where a multi-row VALUES of a 2,000-event batch was compiled anew for every batch.
    claimed = select(
        literal(consumer, type_=table.c.consumer.type),
        func.unnest(bindparam("event_ids", ids, type_=ARRAY(table.c.event_id.type))),
    )
    result = await session.execute(
        insert(table)
        .from_select(["consumer", "event_id"], claimed)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    fresh = set(result.scalars())
    DUPLICATES.labels(consumer).inc(len(ids) - len(fresh))
    return fresh


async def new_events(
    session: AsyncSession, table: Table, *, consumer: str, events: Sequence[ReceivedEvent]
) -> list[ReceivedEvent]:
    """The events of a batch never processed before: each id once, in batch order."""
    unique = list({event.id: event for event in reversed(events)}.values())[::-1]
    DUPLICATES.labels(consumer).inc(len(events) - len(unique))
    fresh = await claim_new_events(
        session, table, consumer=consumer, event_ids=[event.id for event in unique]
    )
    return [event for event in unique if event.id in fresh]


async def purge_inbox(session: AsyncSession, table: Table, *, older_than: datetime) -> int:
    """Forget the ids received before `older_than`; returns how many were deleted.

    Retention is a trade: an event re-delivered after its id is purged is handled again, so
    `older_than` must lie well beyond any redelivery (a rewind, a replay of the dead letters).
    """
    result = await session.execute(delete(table).where(table.c.received_at < older_than))
    return int(result.rowcount)  # type: ignore[attr-defined]

"""Transactional outbox: events are rows written with the state change; a relay publishes them.

The relay is safe to run as several copies (`FOR UPDATE SKIP LOCKED`) and to be killed at any
point: a row published but not yet marked sent is published again, and consumers drop the
duplicate by its CloudEvent id.

Staged events: a row may say when it becomes publishable (`publish_at`) and who staged it
(`staged_by`). The relay publishes it at that moment, so an event that is certain to happen at
a known time (an SLA breach) leaves exactly then, with no work left to do at that moment. The
stager withdraws its unsent staged rows before it changes (`withdraw_staged`), which waits for a
relay that is publishing them right now; whatever was published stays published. An event id
is unique in the table, so writing an event that was already staged (under the same id) changes
nothing.
"""

import asyncio
import contextlib
import logging
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder
from prometheus_client import Counter as MetricCounter
from prometheus_client import Histogram
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chassis.clock import Clock, SystemClock
from chassis.db import is_any_of
from contracts.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent, EventData
from contracts.registry import EVENT_TYPES

log = logging.getLogger(__name__)

PUBLISHED = MetricCounter("rapport_outbox_published_total", "Outbox events published", ["topic"])
RELAY_LAG = Histogram(
    "rapport_outbox_relay_lag_seconds",
    "From outbox insert to Kafka acknowledgement",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
STAGED_LATENESS = Histogram(
    "rapport_outbox_staged_lateness_seconds",
    "From a staged event's moment to its Kafka acknowledgement",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 60, 300),
)
# The Java client's partitioner (murmur2 of the key), so every producer keys alike.
PARTITIONER = DefaultPartitioner()
# `publish_at` of an event to publish at once: before every moment, so one index orders both.
AT_ONCE = "-infinity"


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("event_id", String(200), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("sent_at", DateTime(timezone=True)),
        Column(
            "publish_at",
            DateTime(timezone=True),
            nullable=False,
            server_default=text(f"'{AT_ONCE}'"),
        ),
        Column("staged_by", String(200)),
        Index("ix_outbox_unsent", "publish_at", "id", postgresql_where=text("sent_at IS NULL")),
        Index(
            "ix_outbox_staged",
            "staged_by",
            postgresql_where=text("sent_at IS NULL AND staged_by IS NOT NULL"),
        ),
    )


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


class Outbox:
    """Writes events into the outbox table inside the caller's transaction."""

    def __init__(self, session: AsyncSession, table: Table, *, source: str) -> None:
        self._session = session
        self._table = table
        self._source = source
        self._pending: list[dict[str, Any]] = []
        self._staged: list[dict[str, Any]] = []

    def add(self, event: EventData, *, time: Any = None, id: str | None = None) -> CloudEvent:
        """Publish `event` as soon as the transaction commits. An `id` that is already in the
        outbox (the same event, staged or written before) makes this a no-op."""
        envelope = CloudEvent.wrap(event, source=self._source, time=time, id=id)
        self._pending.append(_row(envelope))
        return envelope

    def extend(self, events: Iterable[EventData]) -> None:
        for event in events:
            self.add(event)

    def stage(self, event: EventData, *, at: datetime, by: str, id: str) -> CloudEvent:
        """Publish `event` at `at` unless `by` withdraws it first (see `withdraw_staged`)."""
        envelope = CloudEvent.wrap(event, source=self._source, time=at, id=id)
        self._staged.append({**_row(envelope), "publish_at": at, "staged_by": by})
        return envelope

    async def flush(self) -> int:
        """Insert the pending events (one statement each for immediate and staged ones) and
        wake the relay at commit; returns how many were written."""
        if not self._pending and not self._staged:
            return 0
        for rows in (self._pending, self._staged):
            if rows:
                await self._session.execute(self._insert(staged=rows is self._staged), rows)
        schema = self._table.schema or "public"
        await self._session.execute(
            text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(schema)}
        )
        count = len(self._pending) + len(self._staged)
        self._pending.clear()
        self._staged.clear()
        return count

    def _insert(self, *, staged: bool) -> Any:
        columns = ["event_id", "topic", "key", *(["publish_at", "staged_by"] if staged else [])]
        values: dict[str, Any] = {name: bindparam(name) for name in columns}
        # The payload arrives as the JSON text pydantic rendered; PostgreSQL parses it once.
        values["payload"] = cast(bindparam("payload", type_=Text), JSONB)
        return (
            insert(self._table)
            .values(values)
            .on_conflict_do_nothing(index_elements=[self._table.c.event_id])
        )


def _row(envelope: CloudEvent) -> dict[str, Any]:
    return {
        "event_id": envelope.id,
        "topic": EVENT_TYPES[envelope.type].topic,
        "key": envelope.subject,
        "payload": envelope.model_dump_json(),
    }


async def withdraw_staged(session: AsyncSession, table: Table, stagers: Iterable[str]) -> None:
    """Delete the unsent events these stagers staged. A relay publishing one of them holds its
    row; this waits for it, and the published row stays (it is a fact now)."""
    wanted = sorted(set(stagers))
    if wanted:
        await session.execute(
            delete(table).where(
                is_any_of(table.c.staged_by, wanted),
                table.c.sent_at.is_(None),
            )
        )


class OutboxRelay:
    """Publishes unsent outbox rows in id order and marks them sent."""

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        table: Table,
        bootstrap_servers: str,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        clock: Clock | None = None,
    ) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._table = table
        self._bootstrap_servers = bootstrap_servers
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self._bootstrap_servers,
            enable_idempotence=True,
            acks="all",
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def run(self) -> None:
        """Relay forever: drain what is publishable, then sleep until NOTIFY, the next staged
        moment or the poll interval, whichever comes first."""
        await self.start()
        listener = await self._listen()
        try:
            while True:
                # Cleared before draining: a NOTIFY that arrives meanwhile wakes the next wait.
                self._wake.clear()
                try:
                    # Until nothing is publishable: staged rows keep falling due meanwhile.
                    while await self.relay_once():
                        pass
                    delay = await self.seconds_to_next_staged()
                except Exception:
                    # Kafka or the database hiccuped: the batch was rolled back, so its rows
                    # are still unsent. Log, back off, try again.
                    log.exception("outbox relay failed; retrying")
                    delay = self._poll_seconds
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
        finally:
            listener.close()
            await self.stop()

    async def seconds_to_next_staged(self) -> float:
        """How long to sleep: until the next staged row's moment, at most the poll interval."""
        now = self._clock.now()
        table = self._table
        async with self._engine.connect() as connection:
            due: datetime | None = await connection.scalar(
                select(func.min(table.c.publish_at)).where(
                    table.c.sent_at.is_(None), table.c.publish_at > now
                )
            )
        if due is None:
            return self._poll_seconds
        # Rounded up to the millisecond: waking a little early would only find nothing due.
        seconds = math.ceil((due - now).total_seconds() * 1000) / 1000
        return min(self._poll_seconds, max(seconds, 0.001))

    async def _listen(self) -> Any:
        raw = await self._engine.raw_connection()
        driver_connection = raw.driver_connection
        assert driver_connection is not None
        await driver_connection.add_listener(
            notify_channel(self._table.schema or "public"), lambda *_: self._wake.set()
        )
        return raw

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many were published."""
        assert self._producer is not None, "start() first"
        now = self._clock.now()
        async with self._sessions() as session, session.begin():
            table = self._table
            rows = (
                await session.execute(
                    # The payload is sent as PostgreSQL renders it: it was a validated
                    # CloudEvent when written, and parsing it again here costs the hot path.
                    select(
                        table.c.id,
                        table.c.topic,
                        table.c.key,
                        table.c.created_at,
                        func.nullif(table.c.publish_at, text(f"'{AT_ONCE}'")).label("staged_at"),
                        cast(table.c.payload, Text).label("value"),
                    )
                    .where(table.c.sent_at.is_(None), table.c.publish_at <= now)
                    .order_by(table.c.publish_at, table.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            await self._publish(rows)
            await self._mark_sent(session, [row.id for row in rows])
        return len(rows)

    async def _publish(self, rows: Sequence[Any]) -> None:
        """Send the rows as one record batch per partition (the producer's per-message path
        costs three times the CPU) and wait until Kafka has them all."""
        producer = self._producer
        assert producer is not None
        headers = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
        partitions = {
            topic: sorted(await producer.partitions_for(topic)) for topic in {r.topic for r in rows}
        }
        batches: dict[tuple[str, int], BatchBuilder] = {}
        sent: list[asyncio.Future[Any]] = []
        for row in rows:
            key = row.key.encode()
            target = (row.topic, PARTITIONER(key, partitions[row.topic], partitions[row.topic]))
            batch = batches.get(target)
            if batch is None:
                batch = batches[target] = producer.create_batch()
            # Stamped now: never before the row's moment, which had come when it was selected.
            value = row.value.encode()
            if batch.append(key=key, value=value, timestamp=None, headers=headers) is None:
                # Full: send it and start the partition's next batch.
                sent.append(await producer.send_batch(batch, target[0], partition=target[1]))
                batch = batches[target] = producer.create_batch()
                batch.append(key=key, value=value, timestamp=None, headers=headers)
        for (topic, partition), batch in batches.items():
            sent.append(await producer.send_batch(batch, topic, partition=partition))
        await asyncio.gather(*sent)
        published_at = datetime.now(UTC)
        for topic, count in Counter(row.topic for row in rows).items():
            PUBLISHED.labels(topic).inc(count)
        for row in rows:
            if row.staged_at is None:
                RELAY_LAG.observe((published_at - row.created_at).total_seconds())
            else:
                STAGED_LATENESS.observe((published_at - row.staged_at).total_seconds())

    async def _mark_sent(self, session: AsyncSession, ids: list[int]) -> None:
        table = self._table
        await session.execute(
            update(table).where(is_any_of(table.c.id, ids)).values(sent_at=func.now())
        )

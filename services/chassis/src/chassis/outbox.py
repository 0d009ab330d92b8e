"""Transactional outbox: events are rows written with the state change; a relay publishes them.

The relay is safe to run as several copies (`FOR UPDATE SKIP LOCKED`) and to be killed at any
point: a row published but not yet marked sent is published again, and consumers drop the
duplicate by its CloudEvent id.
"""

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
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
    cast,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from contracts.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent, EventData
from contracts.registry import EVENT_TYPES

PUBLISHED = MetricCounter("rapport_outbox_published_total", "Outbox events published", ["topic"])
RELAY_LAG = Histogram(
    "rapport_outbox_relay_lag_seconds",
    "From outbox insert to Kafka acknowledgement",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


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
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL")),
    )


def notify_channel(schema: str) -> str:
    return f"{schema}_outbox"


class Outbox:
    """Writes events into the outbox table inside the caller's transaction."""

    def __init__(self, session: AsyncSession, table: Table, *, source: str) -> None:
        self._session = session
        self._table = table
        self._source = source
        self._pending: list[CloudEvent] = []

    def add(self, event: EventData, *, time: Any = None) -> CloudEvent:
        envelope = CloudEvent.wrap(event, source=self._source, time=time)
        self._pending.append(envelope)
        return envelope

    def extend(self, events: Iterable[EventData]) -> None:
        for event in events:
            self.add(event)

    async def flush(self) -> int:
        """Insert the pending events (one statement) and wake the relay at commit."""
        if not self._pending:
            return 0
        rows = [
            {
                "event_id": envelope.id,
                "topic": _topic_of(envelope),
                "key": envelope.subject,
                "payload": envelope.model_dump(mode="json"),
            }
            for envelope in self._pending
        ]
        await self._session.execute(self._table.insert(), rows)
        schema = self._table.schema or "public"
        await self._session.execute(
            text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel(schema)}
        )
        count = len(self._pending)
        self._pending.clear()
        return count


def _topic_of(envelope: CloudEvent) -> str:
    return EVENT_TYPES[envelope.type].topic


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
    ) -> None:
        self._engine = engine
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
            linger_ms=5,
        )
        await self._producer.start()

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()

    async def run(self) -> None:
        """Relay forever: drain, then sleep until NOTIFY or the poll interval."""
        await self.start()
        listener = await self._listen()
        try:
            while True:
                while await self.relay_once() == self._batch_size:
                    pass
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
        finally:
            listener.close()
            await self.stop()

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
                        cast(table.c.payload, Text).label("value"),
                    )
                    .where(self._table.c.sent_at.is_(None))
                    .order_by(self._table.c.id)
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
        assert self._producer is not None
        headers = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
        futures = [
            await self._producer.send(
                row.topic, value=row.value.encode(), key=row.key.encode(), headers=headers
            )
            for row in rows
        ]
        await asyncio.gather(*futures)
        published_at = datetime.now(UTC)
        for topic, count in Counter(row.topic for row in rows).items():
            PUBLISHED.labels(topic).inc(count)
        for row in rows:
            RELAY_LAG.observe((published_at - row.created_at).total_seconds())

    async def _mark_sent(self, session: AsyncSession, ids: list[int]) -> None:
        await session.execute(
            update(self._table).where(self._table.c.id.in_(ids)).values(sent_at=func.now())
        )

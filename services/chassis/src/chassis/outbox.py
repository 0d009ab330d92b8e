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

Limits and order (decision 0009): an event above `MAX_EVENT_BYTES` is refused where it is made
(`EventTooLarge`, before any row is written); a row the broker refuses for its content is set
aside with its error (`failure`) instead of blocking the relay; a relay never publishes a row of
a key (topic, key) while an earlier unsent row of that key is held by another relay, so per-key
order holds however many relays run; row locks are held at most about `send_timeout`.
Sent rows are deleted after a retention period by `purge_sent`.
"""

import asyncio
import contextlib
import logging
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    CorruptRecordException,
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from aiokafka.partitioner import DefaultPartitioner
from aiokafka.producer.message_accumulator import BatchBuilder
from aiokafka.record.default_records import DefaultRecordBatchBuilder
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
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from chassis.clock import Clock, SystemClock
from chassis.db import is_any_of
from chassis.errors import TooLarge
from chassis.kafka import KafkaConnection
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
SET_ASIDE = MetricCounter(
    "rapport_outbox_set_aside_total",
    "Outbox rows the broker refused for their content, set aside with their error",
    ["topic"],
)
# The whole serialized CloudEvent, checked where an event is made. Half of the broker's default
# `message.max.bytes` (1,048,588) and aiokafka's `max_request_size` (1,048,576): the relay sends
# the payload as PostgreSQL renders the JSONB (a space after every `:` and `,`), which is longer
# than pydantic's compact JSON, and the record carries a key, headers and batch overhead.
MAX_EVENT_BYTES = 512 * 1024
# The largest record the relay sends; a bigger row is set aside without asking the broker.
MAX_RECORD_BYTES = 1_048_576
# Record batches of up to this size: most passes send one batch per partition.
MAX_BATCH_BYTES = 256 * 1024
# Errors with which the broker (or aiokafka) refuses a record for what it is, not for the moment:
# retrying them can never succeed.
CONTENT_ERRORS: tuple[type[KafkaError], ...] = (
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    CorruptRecordException,
)
# Kafka's INVALID_RECORD, which aiokafka has no class for (it arrives as UnknownError).
INVALID_RECORD_ERRNO = 87
# Rows held back because another relay holds an earlier row of their key are tried again this
# often while the pass lasts.
DEFER_PAUSE_SECONDS = 0.02
HEADERS = [("content-type", CLOUDEVENTS_CONTENT_TYPE.encode())]
# The Java client's partitioner (murmur2 of the key), so every producer keys alike.
PARTITIONER = DefaultPartitioner()
# Keys whose partition a relay remembers (one entry per account and partition count).
PARTITION_CACHE_SIZE = 100_000
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
        # Why the broker refused the row; a set-aside row has `sent_at` (when) but was never
        # published. NULL for published and unsent rows.
        Column("failure", Text),
        Index("ix_outbox_unsent", "publish_at", "id", postgresql_where=text("sent_at IS NULL")),
        Index(
            "ix_outbox_staged",
            "staged_by",
            postgresql_where=text("sent_at IS NULL AND staged_by IS NOT NULL"),
        ),
        Index("ix_outbox_sent", "sent_at", postgresql_where=text("sent_at IS NOT NULL")),
    )


class EventTooLarge(TooLarge):
    """An event whose serialized CloudEvent is above `MAX_EVENT_BYTES`: it would never leave.
    Raised before the row is written, so the request that made it is refused (413)."""

    code = "event_too_large"

    def __init__(self, *, type: str, size: int, limit: int = MAX_EVENT_BYTES) -> None:
        super().__init__(
            f"event {type} is {size} bytes serialized, above the limit of {limit} bytes"
        )
        self.type = type
        self.size = size
        self.limit = limit


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
        outbox (the same event, staged or written before) makes this a no-op. Raises
        `EventTooLarge` when the event is above `MAX_EVENT_BYTES`."""
        envelope = CloudEvent.wrap(event, source=self._source, time=time, id=id)
        self._pending.append(_row(envelope))
        return envelope

    def extend(self, events: Iterable[EventData]) -> None:
        for event in events:
            self.add(event)

    def stage(self, event: EventData, *, at: datetime, by: str, id: str) -> CloudEvent:
        """Publish `event` at `at` unless `by` withdraws it first (see `withdraw_staged`).
        Raises `EventTooLarge` when the event is above `MAX_EVENT_BYTES`."""
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
    """The outbox row of an envelope; raises `EventTooLarge` before anything is written."""
    payload = envelope.model_dump_json()
    size = len(payload.encode())
    if size > MAX_EVENT_BYTES:
        raise EventTooLarge(type=envelope.type, size=size)
    return {
        "event_id": envelope.id,
        "topic": EVENT_TYPES[envelope.type].topic,
        "key": envelope.subject,
        "payload": payload,
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


async def purge_sent(
    target: AsyncEngine | AsyncSession,
    table: Table,
    *,
    older_than: datetime,
    chunk_size: int = 5000,
) -> int:
    """Delete the rows published before `older_than`, `chunk_size` at a time; returns how many.

    With an engine each chunk is its own transaction, so no lock or transaction grows with the
    backlog; with a session the chunks run in the caller's transaction. Unsent rows and rows
    set aside (`failure`) stay.
    """
    chunk = (
        select(table.c.id)
        .where(table.c.sent_at < older_than, table.c.failure.is_(None))
        .limit(chunk_size)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    statement = delete(table).where(table.c.id.in_(chunk)).returning(table.c.id)
    deleted = 0
    while True:
        if isinstance(target, AsyncSession):
            count = len((await target.execute(statement)).all())
        else:
            async with target.begin() as connection:
                count = len((await connection.execute(statement)).all())
        deleted += count
        if count < chunk_size:
            return deleted


def _refusal(error: BaseException) -> str | None:
    """Why the broker refused a record for its content, or None for any other fault."""
    if isinstance(error, CONTENT_ERRORS) or getattr(error, "errno", None) == INVALID_RECORD_ERRNO:
        return f"{type(error).__name__}: {error}"
    return None


@dataclass
class _Sent:
    """What became of the rows of a pass: published ids, refused ids with their error, and
    whether a refusal left the producer unusable."""

    published: set[int] = field(default_factory=set)
    refused: dict[int, str] = field(default_factory=dict)
    producer_broken: bool = False


class OutboxRelay:
    """Publishes unsent outbox rows in id order and marks them sent.

    `healthy` is True while the relay reaches the database and the broker (its last pass
    succeeded); `last_error` says what failed last.
    """

    def __init__(
        self,
        *,
        engine: AsyncEngine,
        table: Table,
        kafka: KafkaConnection,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        send_timeout: float = 5.0,
        max_backoff_seconds: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._table = table
        self._kafka = kafka
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        # Bounds how long a pass holds its row locks; well under the producer's request timeout.
        self._send_timeout = send_timeout
        self._max_backoff_seconds = max_backoff_seconds
        self._wake = asyncio.Event()
        self._producer: AIOKafkaProducer | None = None
        self._stopping: set[asyncio.Future[None]] = set()
        # Rows of a batch the broker refused: sent one per batch next, to find the culprit.
        self._suspects: set[int] = set()
        self._partitions: dict[tuple[bytes, int], int] = {}
        self._broker_answered_at = -math.inf
        self.healthy = False
        self.last_error: str | None = None

    async def start(self) -> None:
        if self._producer is not None:
            return
        producer = AIOKafkaProducer(
            **self._kafka.client_kwargs(),
            enable_idempotence=True,
            acks="all",
            max_batch_size=MAX_BATCH_BYTES,
            max_request_size=MAX_RECORD_BYTES,
        )
        try:
            await producer.start()
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        """Stop the producer, waiting at most `send_timeout` for what it still has in flight:
        in a broker outage that would last its whole request timeout, and every row it holds
        is still unsent in the table anyway."""
        producer, self._producer = self._producer, None
        self.healthy = False
        if producer is None:
            return
        stopping = asyncio.ensure_future(producer.stop())
        done, _ = await asyncio.wait([stopping], timeout=self._send_timeout)
        if not done:
            # It ends by itself once its batches expire; kept referenced until then.
            log.warning("outbox relay producer still flushing; left to finish in the background")
            self._stopping.add(stopping)
            stopping.add_done_callback(self._stopping.discard)

    async def run(self) -> None:
        """Relay forever: drain what is publishable, then sleep until NOTIFY, the next staged
        moment or the poll interval, whichever comes first. Any fault (database or broker
        down, at start-up too) is logged and retried with a growing backoff."""
        listener: AsyncConnection | None = None
        failures = 0
        try:
            while True:
                # Cleared before draining: a NOTIFY that arrives meanwhile wakes the next wait.
                self._wake.clear()
                try:
                    await self.start()
                    if listener is None:
                        listener = await self._listen()
                    # Until nothing is publishable: staged rows keep falling due meanwhile.
                    # Healthy after the first pass that succeeds, not after the drain: a
                    # large backlog is work to do, not a fault (it kept a worker unready for
                    # as long as 300,000 plan events took to publish).
                    while await self.relay_once():
                        self.healthy = True
                    delay = await self.seconds_to_next_staged()
                    failures = 0
                    self.healthy = True
                except Exception as error:
                    # The batch was rolled back, so its rows are still unsent. The listening
                    # connection may be the broken one: it is opened again next time.
                    log.exception("outbox relay failed; retrying")
                    self.healthy = False
                    self.last_error = f"{type(error).__name__}: {error}"
                    if listener is not None:
                        with contextlib.suppress(Exception):
                            await listener.invalidate()
                        listener = None
                    failures += 1
                    delay = min(self._poll_seconds * 2 ** (failures - 1), self._max_backoff_seconds)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=delay)
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()
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

    async def _listen(self) -> AsyncConnection:
        """A connection of its own that LISTENs for the outbox's NOTIFY."""
        connection = await self._engine.connect()
        try:
            raw = await connection.get_raw_connection()
            driver_connection = raw.driver_connection
            assert driver_connection is not None
            await driver_connection.add_listener(
                notify_channel(self._table.schema or "public"), lambda *_: self._wake.set()
            )
        except BaseException:
            await connection.close()
            raise
        return connection

    async def relay_once(self) -> int:
        """Publish one batch of unsent rows; returns how many rows it settled (published, or set
        aside because the broker refused them). Rows held back for key order (another relay
        holds an earlier row of their key) are tried again for up to the poll interval."""
        assert self._producer is not None, "start() first"
        await self._check_broker()
        deadline = time.monotonic() + self._poll_seconds
        while True:
            settled, deferred = await self._pass()
            if settled or not deferred or time.monotonic() >= deadline:
                return settled
            await asyncio.sleep(DEFER_PAUSE_SECONDS)

    async def _check_broker(self) -> None:
        """Before locking rows: the broker answered lately, or answers a metadata request now,
        so an outage does not hold row locks for the whole send timeout of every pass."""
        producer = self._producer
        assert producer is not None
        if time.monotonic() - self._broker_answered_at < 1.0:
            return
        try:
            updated = await asyncio.wait_for(
                producer.client.force_metadata_update(), timeout=self._send_timeout
            )
        except TimeoutError:
            updated = False
        if not updated:
            raise KafkaConnectionError(f"broker {self._kafka.bootstrap_servers} does not answer")
        self._broker_answered_at = time.monotonic()

    async def _pass(self) -> tuple[int, int]:
        """One locked batch: returns (rows settled, rows held back for key order)."""
        now = self._clock.now()
        table = self._table
        async with self._sessions() as session, session.begin():
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
                return 0, 0
            ready = await self._in_key_order(session, rows, now)
            if not ready:
                return 0, len(rows)
            # Bounded: an outage that starts mid-send rolls back within the timeout.
            try:
                sent = await asyncio.wait_for(self._publish(ready), timeout=self._send_timeout)
            except TimeoutError as error:
                raise KafkaTimeoutError(
                    f"the broker did not acknowledge within {self._send_timeout} s"
                ) from error
            if sent.published:
                # Marking rows sent needs no wait for the WAL flush (decision 0015): a mark that
                # a database crash loses only publishes its rows again, which consumers drop by
                # their id, as after a relay killed between the broker's ack and the commit.
                await session.execute(text("SET LOCAL synchronous_commit = off"))
                await self._mark_sent(session, sorted(sent.published))
            await self._set_aside(
                session, [row for row in ready if row.id in sent.refused], sent.refused
            )
        self._broker_answered_at = time.monotonic()
        if sent.producer_broken:
            # A refused batch leaves a gap in the idempotent producer's sequence numbers of its
            # partition: a fresh producer (new producer id) starts them again.
            await self.stop()
            await self.start()
        return len(sent.published) + len(sent.refused), len(rows) - len(ready)

    async def _in_key_order(
        self, session: AsyncSession, rows: Sequence[Any], now: datetime
    ) -> list[Any]:
        """The batch without the keys (topic, key) of which an unsent due row the batch does
        not hold comes before the batch's last row: another relay holds it (SKIP LOCKED
        skipped it), and publishing after it is the only order that keeps the key in order."""
        table = self._table
        last = table.alias("last")
        held = (
            await session.execute(
                select(table.c.topic, table.c.key)
                .distinct()
                .where(
                    last.c.id == rows[-1].id,
                    table.c.sent_at.is_(None),
                    table.c.publish_at <= now,
                    is_any_of(table.c.key, {row.key for row in rows}),
                    ~is_any_of(table.c.id, [row.id for row in rows]),
                    tuple_(table.c.publish_at, table.c.id) < tuple_(last.c.publish_at, last.c.id),
                )
            )
        ).all()
        blocked = {(topic, key) for topic, key in held}
        return [row for row in rows if (row.topic, row.key) not in blocked]

    async def _publish(self, rows: Sequence[Any]) -> _Sent:
        """Send the rows as record batches (the producer's per-message path costs three times
        the CPU), one partition's batches one after another so a refused batch is never
        overtaken by a later one, partitions side by side. Returns the rows refused for their
        content with the error, and whether a refusal broke the producer's sequence."""
        producer = self._producer
        assert producer is not None
        partitions = {
            topic: sorted(await producer.partitions_for(topic)) for topic in {r.topic for r in rows}
        }
        sent = _Sent()
        by_partition: dict[tuple[str, int], list[tuple[Any, bytes, bytes]]] = {}
        for row in rows:
            key, value = row.key.encode(), row.value.encode()
            size = DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, HEADERS)
            if size > MAX_RECORD_BYTES:
                sent.refused[row.id] = (
                    f"RecordTooLarge: the record is {size} bytes, above the relay's limit of "
                    f"{MAX_RECORD_BYTES} bytes"
                )
                continue
            target = (row.topic, self._partition(key, partitions[row.topic]))
            by_partition.setdefault(target, []).append((row, key, value))
        for outcome in await asyncio.gather(
            *(self._send_partition(target, records) for target, records in by_partition.items())
        ):
            sent.published |= outcome.published
            sent.refused |= outcome.refused
            sent.producer_broken = sent.producer_broken or outcome.producer_broken
        published_at = datetime.now(UTC)
        for topic, count in Counter(r.topic for r in rows if r.id in sent.published).items():
            PUBLISHED.labels(topic).inc(count)
        for row in rows:
            if row.id not in sent.published:
                continue
            if row.staged_at is None:
                RELAY_LAG.observe((published_at - row.created_at).total_seconds())
            else:
                STAGED_LATENESS.observe((published_at - row.staged_at).total_seconds())
        return sent

    def _partition(self, key: bytes, partitions: list[int]) -> int:
        """The key's partition, remembered: murmur2 in pure Python costs about 18 us a record,
        a sixth of the relay's CPU per record at a burst of staged events."""
        cached = (key, len(partitions))
        partition = self._partitions.get(cached)
        if partition is None:
            if len(self._partitions) >= PARTITION_CACHE_SIZE:
                self._partitions.clear()
            partition = self._partitions[cached] = PARTITIONER(key, partitions, partitions)
        return partition

    async def _send_partition(
        self, target: tuple[str, int], records: list[tuple[Any, bytes, bytes]]
    ) -> _Sent:
        """Send one partition's records in order; stop at a refused batch of several records
        (they become suspects, sent one per batch next pass) and set aside a refused one."""
        producer = self._producer
        assert producer is not None
        topic, partition = target
        sent = _Sent()
        pending = records
        while pending:
            batch: BatchBuilder = producer.create_batch()
            taken: list[Any] = []
            for row, key, value in pending:
                alone = row.id in self._suspects
                if taken and alone:
                    break
                # Stamped now: never before the row's moment, which had come when it was selected.
                if batch.append(key=key, value=value, timestamp=None, headers=HEADERS) is None:
                    break
                taken.append(row)
                if alone:
                    break
            pending = pending[len(taken) :]
            try:
                await (await producer.send_batch(batch, topic, partition=partition))
            except KafkaError as error:
                reason = _refusal(error)
                if reason is None:
                    raise
                sent.producer_broken = True
                if len(taken) == 1:
                    self._suspects.discard(taken[0].id)
                    sent.refused[taken[0].id] = reason
                else:
                    self._suspects.update(row.id for row in taken)
                return sent
            sent.published.update(row.id for row in taken)
            self._suspects.difference_update(row.id for row in taken)
        return sent

    async def _mark_sent(self, session: AsyncSession, ids: list[int]) -> None:
        table = self._table
        await session.execute(
            update(table).where(is_any_of(table.c.id, ids)).values(sent_at=func.now())
        )

    async def _set_aside(
        self, session: AsyncSession, rows: Sequence[Any], refused: dict[int, str]
    ) -> None:
        """Mark refused rows sent (so no pass selects them again) with why they never left."""
        table = self._table
        for row in rows:
            log.error("outbox row %s set aside: %s", row.id, refused[row.id])
            SET_ASIDE.labels(row.topic).inc()
            await session.execute(
                update(table)
                .where(table.c.id == row.id)
                .values(sent_at=func.now(), failure=refused[row.id])
            )

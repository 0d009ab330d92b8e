"""Test tooling for the Kafka consumer path: a real ERP sink and a seeded mutator of ERP events.

`ErpSink` runs a `BatchConsumer` over a topic of its own (one partition, so "the next record"
is well defined) whose handler writes customers and orders to real PostgreSQL tables (the
column types the accounts service uses) through the inbox. `mutate` turns a valid ERP event
into a broken one: truncated, retyped, huge, deep, bad bytes, fields deleted or duplicated.
"""

import json
import logging
import random
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY
from sqlalchemy import Column, MetaData, Numeric, String, Table, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from chassis.inbox import inbox_table, new_events
from chassis.kafka import (
    BatchConsumer,
    EventTypes,
    ReceivedEvent,
    Rejected,
    decode_record,
    ensure_topics,
)
from chassis.testing import Infrastructure, eventually, topic_partitions, unique
from contracts import erp_v1
from contracts.registry import dead_letter_topic

Headers = list[tuple[str, bytes]]
Fault = Callable[[list[ReceivedEvent]], Awaitable[None]]


class _Failures(logging.Handler):
    """Counts the consumer's errors: a batch that failed and was rewound."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class ErpSink:
    """A consumer of ERP events into real tables; `fault` runs in the handler's transaction."""

    def __init__(
        self,
        infrastructure: Infrastructure,
        *,
        fault: Fault | None = None,
        retry_delays: tuple[float, ...] = (0.05, 0.1),
        batch_size: int = 500,
    ) -> None:
        self.infrastructure = infrastructure
        self.name = unique("sink")
        self.topic = unique("erp-fuzz")
        self.schema = self.name.replace("-", "_")
        self._fault = fault
        self._retry_delays = retry_delays
        self._batch_size = batch_size
        metadata = MetaData(schema=self.schema)
        self.inbox = inbox_table(metadata)
        self.customers = Table(
            "customers",
            metadata,
            Column("customer_id", String(64), primary_key=True),
            Column("name", String(300), nullable=False),
        )
        self.orders = Table(
            "orders",
            metadata,
            Column("order_id", String(64), primary_key=True),
            Column("customer_id", String(64), nullable=False),
            Column("total", Numeric(18, 2), nullable=False),
        )
        self._metadata = metadata
        self.engine = create_async_engine(infrastructure.admin_database_url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.failures = _Failures()
        self.consumer: BatchConsumer | None = None
        kafka = infrastructure.kafka
        self._broker = KafkaBroker(kafka.bootstrap_servers, security=kafka.security())
        self._producer = AIOKafkaProducer(
            **kafka.client_kwargs(),
            acks="all",
            enable_idempotence=True,
            max_request_size=2_000_000,
        )

    async def __aenter__(self) -> Self:
        async with self.engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
            await connection.run_sync(self._metadata.create_all)
        # The dead-letter topic exists before the first dead letter, so reading it back never
        # races the broker's creation of it.
        await ensure_topics(
            self.infrastructure.kafka,
            [self.topic, dead_letter_topic(self.name)],
            partitions=1,
        )
        self.consumer = BatchConsumer(
            broker=self._broker,
            name=self.name,
            topics=[self.topic],
            accepts=erp_v1.EVENTS,
            handler=self._handle,
            retry_delays=self._retry_delays,
            batch_size=self._batch_size,
        )
        logging.getLogger("chassis.kafka").addHandler(self.failures)
        await self._producer.start()
        await self._broker.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._broker.stop()
        await self._producer.stop()
        logging.getLogger("chassis.kafka").removeHandler(self.failures)
        await self.engine.dispose()

    async def _handle(self, events: list[ReceivedEvent]) -> None:
        async with self._sessions() as session, session.begin():
            if self._fault:
                await self._fault(events)
            fresh = await new_events(session, self.inbox, consumer=self.name, events=events)
            customers = [e.data for e in fresh if isinstance(e.data, erp_v1.CustomerUpserted)]
            orders = [e.data for e in fresh if isinstance(e.data, erp_v1.OrderPlaced)]
            if customers:
                statement = insert(self.customers).values(
                    [{"customer_id": c.customer_id, "name": c.name} for c in customers]
                )
                await session.execute(
                    statement.on_conflict_do_update(
                        index_elements=[self.customers.c.customer_id],
                        set_={"name": statement.excluded.name},
                    )
                )
            if orders:
                await session.execute(
                    insert(self.orders)
                    .values(
                        [
                            {"order_id": o.order_id, "customer_id": o.customer_id, "total": o.total}
                            for o in orders
                        ]
                    )
                    .on_conflict_do_nothing()
                )

    async def publish(self, value: bytes, *, headers: Headers | None = None) -> int:
        """Publish one raw record and return its offset."""
        metadata = await self._producer.send_and_wait(
            self.topic, value, key=b"C-1", headers=headers or []
        )
        return int(metadata.offset)

    async def publish_all(self, records: list[tuple[bytes, Headers]]) -> list[int]:
        """Publish many raw records in order, pipelined; returns their offsets."""
        futures = [
            await self._producer.send(self.topic, value, key=b"C-1", headers=headers)
            for value, headers in records
        ]
        return [int((await future).offset) for future in futures]

    async def processed(self) -> set[str]:
        """The envelope ids the handler committed."""
        async with self.engine.connect() as connection:
            return set((await connection.execute(select(self.inbox.c.event_id))).scalars())

    async def dead_letters(self) -> list[ConsumerRecord[Any, Any]]:
        """Every record on the consumer's dead-letter topic, read to its end."""
        assert self.consumer is not None
        topic = self.consumer.dead_letter_topic
        partitions = await topic_partitions(self.infrastructure.kafka, topic)
        reader = AIOKafkaConsumer(
            **self.infrastructure.kafka.client_kwargs(),
            group_id=None,
            enable_auto_commit=False,
        )
        await reader.start()
        try:
            reader.assign(partitions)
            await reader.seek_to_beginning(*partitions)
            ends = await reader.end_offsets(partitions)
            records: list[ConsumerRecord[Any, Any]] = []
            while [tp for tp in partitions if await reader.position(tp) < ends[tp]]:
                batches = await reader.getmany(timeout_ms=500)
                records += [record for batch in batches.values() for record in batch]
        finally:
            await reader.stop()
        return records

    def counted(self, reason: str) -> float:
        """`rapport_dead_letters_total` for this consumer and reason."""
        value = REGISTRY.get_sample_value(
            "rapport_dead_letters_total", {"consumer": self.name, "reason": reason}
        )
        return value or 0.0


def dead_letter_offsets(records: list[ConsumerRecord[Any, Any]]) -> list[int]:
    """The original offsets the dead letters name, one per dead letter."""
    return sorted(int(dict(record.headers)["dlq-original-offset"]) for record in records)


def erp_event(rng: random.Random, *, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """A valid ERP CloudEvent (a customer or an order) with a fresh id."""
    customer = f"C-{rng.randrange(1000)}"
    moment = datetime(2026, 11, 20, tzinfo=UTC) - timedelta(minutes=rng.randrange(500_000))
    stamp = moment.isoformat().replace("+00:00", "Z")
    if data is None and rng.random() < 0.3:
        event_type = erp_v1.CustomerUpserted.event_type
        data = {
            "customer_id": customer,
            "name": f"Customer {customer}",
            "region": "East",
            "country": "CN",
            "segment": "pharmacy",
            "address": "8 Wulin Road, Hangzhou",
            "account_manager": "AM-01",
            "updated_at": stamp,
        }
    else:
        event_type = erp_v1.OrderPlaced.event_type
        data = data or {
            "order_id": f"SO-{uuid.UUID(int=rng.getrandbits(128)).hex[:16]}",
            "customer_id": customer,
            "placed_at": stamp,
            "currency": "CNY",
            "total": f"{rng.randrange(1, 10**7)}.{rng.randrange(100):02d}",
            "lines": [
                {"sku": "SKU-1", "category": "skincare", "quantity": 3, "unit_price": "1.00"}
            ],
        }
    return {
        "specversion": "1.0",
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "source": "erp",
        "type": event_type,
        "subject": data["customer_id"],
        "time": stamp,
        "datacontenttype": "application/json",
        "data": data,
    }


def _random_path(rng: random.Random, event: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A random (container, key) inside the envelope or its data."""
    container = event["data"] if rng.random() < 0.6 else event
    return container, rng.choice(list(container))


_REPLACEMENTS: tuple[Callable[[random.Random], Any], ...] = (
    lambda rng: None,
    lambda rng: rng.randrange(-(10**6), 10**6),
    lambda rng: rng.random() * 1e300,
    lambda rng: [],
    lambda rng: {},
    lambda rng: True,
    lambda rng: "",
    lambda rng: "x" * rng.choice((201, 301, 10_001, 200_000)),
    lambda rng: "a\x00b",
    lambda rng: "1E+16",
    lambda rng: "-0.01",
    lambda rng: "NaN",
    lambda rng: "0001-01-01T00:00:00+01:00",
    lambda rng: "9999-12-31T23:59:59-01:00",
    lambda rng: "2026-11-20T09:30:00",
    lambda rng: "\udc80",
)


def mutate(event: dict[str, Any], rng: random.Random) -> tuple[bytes, Headers]:
    """A broken variant of a valid event: the value bytes and the record headers."""
    headers: Headers = [("content-type", b"application/cloudevents+json")]
    kind = rng.randrange(10)
    mutated = json.loads(json.dumps(event))
    if kind == 0:
        whole = json.dumps(event).encode()
        return whole[: rng.randrange(len(whole))], headers
    if kind == 1:
        container, key = _random_path(rng, mutated)
        container[key] = rng.choice(_REPLACEMENTS)(rng)
    elif kind == 2:
        container, key = _random_path(rng, mutated)
        del container[key]
    elif kind == 3:
        # Too deep for the parser, or an integer too long to convert: valid JSON both.
        depth = 100_000 if rng.random() < 0.02 else rng.choice((900, 2_000, 5_000))
        huge = rng.choice(("[" * depth + "]" * depth, "9" * 5_000))
        body = json.dumps({**mutated, "extension": "@@"}).replace('"@@"', huge)
        return body.encode(), headers
    elif kind == 4:
        spoiled = bytearray(json.dumps(event).encode())
        spoiled.insert(rng.randrange(len(spoiled)), rng.choice((0xFF, 0xC3, 0x80, 0x00)))
        return bytes(spoiled), headers
    elif kind == 5:
        headers.append(("trace", bytes([0xFF, rng.randrange(256)])))
    elif kind == 6:
        headers = [("content-type", b"application/json")]
        return rng.choice((b"not json", b"", b"\xff\xfe", b"[1, 2")), headers
    elif kind == 7:
        # An envelope field twice: the last one wins, as in every JSON parser.
        key = rng.choice(list(mutated))
        duplicate = json.dumps(rng.choice(_REPLACEMENTS)(rng))
        return f'{json.dumps(mutated)[:-1]}, "{key}": {duplicate}}}'.encode(), headers
    elif kind == 8:
        lines = mutated["data"].setdefault("lines", [])
        # Past the contract's maximum of lines only now and then: such a record is ~1 MB.
        lines.extend(lines[:1] * (10_001 if rng.random() < 0.03 else 2))
    else:
        mutated["data"] = rng.choice(([mutated["data"]], "data", None, 7))
    return json.dumps(mutated).encode(), headers


@dataclass(frozen=True)
class FuzzOutcome:
    good: int
    mutated: int
    invalid: int
    good_lost: int
    dead_letters: int
    dead_lettered_twice: int
    wrongly_dead_lettered: int
    invalid_not_dead_lettered: int
    consumer_failures: int
    seconds: float


ERP_EVENTS = EventTypes(erp_v1.EVENTS)


def _expected_rejection(value: bytes, offset: int) -> bool:
    """Whether the consumer must dead-letter this value: the decoding the consumer runs."""
    record: ConsumerRecord[Any, Any] = ConsumerRecord(
        "fuzz", 0, offset, 0, 0, b"C-1", value, None, 3, len(value), ()
    )
    decoded = decode_record(record, ERP_EVENTS)
    return isinstance(decoded, Rejected)


async def fuzz_consumer(infrastructure: Infrastructure, *, mutated: int, seed: int) -> FuzzOutcome:
    """Publish good and mutated ERP events interleaved (about one good per two mutated) to a
    real consumer, wait until it is through, and count what became of each record."""
    rng = random.Random(seed)
    records: list[tuple[bytes, Headers]] = []
    good_ids: list[str] = []
    mutants = 0
    while mutants < mutated:
        event = erp_event(rng)
        if rng.random() < 1 / 3:
            good_ids.append(event["id"])
            records.append((json.dumps(event).encode(), []))
        else:
            mutants += 1
            records.append(mutate(event, rng))
    # Before the consumer runs: this much CPU in its event loop would starve its heartbeats.
    rejected = [_expected_rejection(value, index) for index, (value, _) in enumerate(records)]
    started = time.monotonic()
    async with ErpSink(infrastructure) as sink:
        offsets = await sink.publish_all(records)
        invalid = {offset for offset, bad in zip(offsets, rejected, strict=True) if bad}

        async def through() -> bool:
            processed = await sink.processed()
            letters = sum(sink.counted(reason) for reason in REASONS)
            return set(good_ids) <= processed and letters >= len(invalid)

        await eventually(through, within=600)
        letters = dead_letter_offsets(await sink.dead_letters())
        processed = await sink.processed()
        seconds = time.monotonic() - started
        counts = Counter(letters)
    return FuzzOutcome(
        good=len(good_ids),
        mutated=mutants,
        invalid=len(invalid),
        good_lost=len(set(good_ids) - processed),
        dead_letters=len(letters),
        dead_lettered_twice=sum(1 for count in counts.values() if count > 1),
        wrongly_dead_lettered=len(set(counts) - invalid),
        invalid_not_dead_lettered=len(invalid - set(counts)),
        consumer_failures=len(sink.failures.messages),
        seconds=seconds,
    )


REASONS = (
    "malformed-json",
    "not-a-cloudevent",
    "unknown-event-type",
    "schema-invalid",
    "unprocessable",
    "undecodable",
    "handler-failed",
)

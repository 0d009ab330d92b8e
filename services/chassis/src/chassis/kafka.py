"""Kafka: broker factory and batch subscribers that commit offsets only after the database.

A batch subscriber decodes each record into a typed event; a record that cannot be decoded goes
to the consumer's dead-letter topic with the reason in its headers and never stops the
partition. The valid events are handed to the handler as one batch (one transaction); offsets
are committed only after the handler returned, that is after the database commit.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from prometheus_client import Counter, Histogram
from pydantic import ValidationError

from contracts.envelope import CLOUDEVENTS_CONTENT_TYPE, CloudEvent, EventData
from contracts.registry import dead_letter_topic

log = logging.getLogger(__name__)

CONSUMED = Counter("rapport_events_consumed_total", "Events handed to handlers", ["consumer"])
DEAD_LETTERS = Counter(
    "rapport_dead_letters_total", "Records sent to a dead-letter topic", ["consumer", "reason"]
)
BATCH_SECONDS = Histogram(
    "rapport_consumer_batch_seconds", "Time to handle one consumed batch", ["consumer"]
)


@dataclass(frozen=True)
class ReceivedEvent:
    """A consumed, validated event and where it came from."""

    envelope: CloudEvent
    data: EventData
    topic: str
    partition: int
    offset: int

    @property
    def id(self) -> str:
        return self.envelope.id


@dataclass(frozen=True)
class Rejected:
    record: ConsumerRecord[Any, Any]
    reason: str
    detail: str


BatchHandler = Callable[[list[ReceivedEvent]], Awaitable[None]]
BusinessCheck = Callable[[EventData], str | None]


async def ensure_topics(
    bootstrap_servers: str, topics: Sequence[str], *, partitions: int = 3
) -> None:
    """Create missing topics with the partition count that spreads accounts over workers.

    Events are kept forever (`retention.ms=-1`) so read models can be rebuilt by replay.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=topic,
                num_partitions=partitions,
                replication_factor=1,
                topic_configs={"retention.ms": "-1"},
            )
            for topic in dict.fromkeys(topics)
            if topic not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


def make_broker(bootstrap_servers: str, *, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        logger=logging.getLogger(f"{client_id}.broker"),
    )


def decode_record(
    record: ConsumerRecord[Any, Any],
    accepts: dict[str, type[EventData]],
    business_check: BusinessCheck | None = None,
) -> ReceivedEvent | Rejected:
    """Turn one Kafka record into a typed event, or say precisely why it cannot be."""
    try:
        raw = json.loads(record.value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Rejected(record, "malformed-json", str(exc))
    try:
        envelope = CloudEvent.model_validate(raw)
    except ValidationError as exc:
        return Rejected(record, "not-a-cloudevent", _summarise(exc))
    model = accepts.get(envelope.type)
    if model is None:
        return Rejected(
            record, "unknown-event-type", f"type {envelope.type!r} is not accepted here"
        )
    try:
        data = model.model_validate(envelope.data)
    except ValidationError as exc:
        return Rejected(record, "schema-invalid", _summarise(exc, prefix="data."))
    if data.subject() != envelope.subject:
        return Rejected(
            record, "schema-invalid", f"subject {envelope.subject!r} is not {data.subject()!r}"
        )
    problem = business_check(data) if business_check else None
    if problem:
        return Rejected(record, "unprocessable", problem)
    return ReceivedEvent(envelope, data, record.topic, record.partition, record.offset)


def _summarise(exc: ValidationError, prefix: str = "") -> str:
    return "; ".join(
        f"{prefix}{'.'.join(str(part) for part in error['loc']) or '<value>'}: {error['msg']}"
        for error in exc.errors()[:10]
    )


class BatchConsumer:
    """One consumer group reading some topics in batches, with its dead-letter topic."""

    def __init__(
        self,
        *,
        broker: KafkaBroker,
        name: str,
        topics: Sequence[str],
        accepts: Sequence[type[EventData]],
        handler: BatchHandler,
        business_check: BusinessCheck | None = None,
        batch_size: int = 500,
        retry_delays: Sequence[float] = (0.2, 1.0, 5.0),
    ) -> None:
        self.name = name
        self.dead_letter_topic = dead_letter_topic(name)
        self._broker = broker
        self._accepts = {event.event_type: event for event in accepts}
        self._handler = handler
        self._business_check = business_check
        self._retry_delays = retry_delays
        broker.subscriber(
            *topics,
            batch=True,
            group_id=name,
            ack_policy=AckPolicy.MANUAL,
            auto_offset_reset="earliest",
            max_records=batch_size,
            batch_timeout_ms=100,
            title=name,
        )(self.consume)

    async def consume(self, body: Any, message: KafkaMessage) -> None:
        records: tuple[ConsumerRecord[Any, Any], ...] = message.raw_message
        decoded = [decode_record(record, self._accepts, self._business_check) for record in records]
        rejected = [item for item in decoded if isinstance(item, Rejected)]
        events = [item for item in decoded if isinstance(item, ReceivedEvent)]
        try:
            for item in rejected:
                await self._dead_letter(item)
            if events:
                with BATCH_SECONDS.labels(self.name).time():
                    await self._handle_with_retries(events)
                CONSUMED.labels(self.name).inc(len(events))
        except Exception:
            # Transient trouble outlived the retries: rewind so the batch is read again.
            log.exception("batch failed, rewinding", extra={"consumer": self.name})
            await message.nack()
            raise
        await self._commit_offsets(message)

    async def _handle_with_retries(self, events: list[ReceivedEvent]) -> None:
        for delay in self._retry_delays:
            try:
                await self._handler(events)
                return
            except Exception:
                log.warning("batch handler failed, retrying in %ss", delay, exc_info=True)
                await asyncio.sleep(delay)
        await self._handler(events)

    async def _commit_offsets(self, message: KafkaMessage) -> None:
        await message.ack()

    async def _dead_letter(self, item: Rejected) -> None:
        record = item.record
        DEAD_LETTERS.labels(self.name, item.reason).inc()
        log.warning(
            "dead-lettered a record: %s",
            item.reason,
            extra={"topic": record.topic, "partition": record.partition, "offset": record.offset},
        )
        await self._broker.publish(
            record.value or b"",
            topic=self.dead_letter_topic,
            key=record.key,
            headers={
                "content-type": CLOUDEVENTS_CONTENT_TYPE,
                "dlq-reason": item.reason,
                "dlq-detail": item.detail[:2000],
                "dlq-consumer": self.name,
                "dlq-original-topic": record.topic,
                "dlq-original-partition": str(record.partition),
                "dlq-original-offset": str(record.offset),
            },
        )

"""Kafka: how to connect, the broker factory, and batch subscribers that commit offsets only
after the database.

Every client signs in with SASL/SCRAM-SHA-512 as its own principal, allowed only what the ACL
table says (decision 0019): `KafkaConnection` holds the settings every client is made with.

Every record of a batch ends in exactly one of three ways (decision 0008):

- processed: decoded into a typed event and handled (the valid events of a batch in one
  handler call, one transaction);
- dead-lettered once: a record that cannot be decoded (for any reason: the decoding runs under
  the protection), or that the handler fails on alone after the retries (poison), goes to the
  consumer's dead-letter topic with the reason in its headers; the partition moves on;
- retried: a transient fault (database or broker unreachable, `is_transient_fault`) sets nothing
  aside; the batch is retried with backoff, then rewound and read again, for as long as it lasts.

Dead letters are published once per batch outcome, after the handler, so a batch that is
retried or rewound never dead-letters a record twice. Offsets are committed only after the
handler returned and the dead letters are acknowledged, that is after the database commit.
"""

import asyncio
import contextlib
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Union

from aiokafka import ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaError, TopicAlreadyExistsError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.security import SASLScram512
from prometheus_client import Counter, Histogram
from pydantic import Field, TypeAdapter, ValidationError

from chassis.db import is_transient
from chassis.settings import ServiceSettings
from contracts.envelope import (
    CLOUDEVENTS_CONTENT_TYPE,
    NUL_FREE,
    CloudEvent,
    CloudEventAttributes,
    EventData,
    nul_free,
    typed_cloud_event,
)
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

    # The context attributes (id, type, subject, time, ...); `data` is the typed event.
    envelope: CloudEventAttributes
    data: EventData
    topic: str
    partition: int
    offset: int
    # The record's Kafka timestamp (ms since the epoch): when the broker got it, the same on
    # every replay, so a read model keeps arrival times a rebuild reproduces.
    timestamp_ms: int | None = None

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
RecordKey = tuple[str, int, int]

# The dead-letter reason of an event the handler failed on alone after the retries (poison).
HANDLER_FAILED = "handler-failed"
# Records decoded between two turns of the event loop.
DECODE_SLICE = 50
# The longest rejection detail a dead letter carries in its headers.
MAX_DETAIL_LENGTH = 2000


@dataclass(frozen=True)
class KafkaConnection:
    """Where the broker is and which principal signs in to it."""

    bootstrap_servers: str
    username: str
    password: str = dataclasses.field(repr=False)

    def client_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of every aiokafka producer, consumer and admin client."""
        return {
            "bootstrap_servers": self.bootstrap_servers,
            "security_protocol": "SASL_PLAINTEXT",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }

    def security(self) -> SASLScram512:
        """The same sign-in, as faststream's `KafkaBroker(security=...)` takes it."""
        return SASLScram512(self.username, self.password)


def kafka_connection(settings: ServiceSettings) -> KafkaConnection:
    """The service's own connection: its principal, by default named after it."""
    username = settings.kafka_username or settings.service_name
    return KafkaConnection(
        settings.kafka_bootstrap_servers, username, settings.kafka_password or f"{username}-secret"
    )


def is_transient_fault(error: BaseException) -> bool:
    """The database or the broker is unreachable or busy: retry as it is, set nothing aside."""
    return is_transient(error) or (isinstance(error, KafkaError) and error.retriable)


async def ensure_topics(
    kafka: KafkaConnection, topics: Sequence[str], *, partitions: int = 3
) -> None:
    """Create missing topics with the partition count that spreads accounts over workers.

    Events are kept forever (`retention.ms=-1`) so read models can be rebuilt by replay. The
    principal sees, and may create, only the topics the ACLs give it.
    """
    admin = AIOKafkaAdminClient(**kafka.client_kwargs())
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


def make_broker(kafka: KafkaConnection, *, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        kafka.bootstrap_servers,
        security=kafka.security(),
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        logger=logging.getLogger(f"{client_id}.broker"),
    )


class EventTypes:
    """The event types a consumer accepts, by CloudEvents `type`, with a validator that
    decodes a whole record of any of them in one pass: envelope and typed data together, in
    pydantic's core, a sixth faster than the envelope first and its data after (decision 0014)."""

    def __init__(self, events: Iterable[type[EventData]]) -> None:
        self.by_type: dict[str, type[EventData]] = {event.event_type: event for event in events}
        envelopes = [typed_cloud_event(event) for event in self.by_type.values()]
        self._whole: TypeAdapter[Any] | None = None
        if len(envelopes) == 1:
            self._whole = TypeAdapter(envelopes[0])
        elif envelopes:
            # A union of types known only at run time: built the one way Python allows it.
            any_of_them: Any = Annotated[Union[tuple(envelopes)], Field(discriminator="type")]  # noqa: UP007
            self._whole = TypeAdapter(any_of_them)

    def whole(self, raw: bytes, context: dict[str, bool] | None) -> Any | None:
        """The record's typed CloudEvent (`data` the event), or None if the one pass refuses
        it for any reason: the step-by-step decoding then says precisely why."""
        if self._whole is None:
            return None
        try:
            return self._whole.validate_json(raw, context=context)
        except Exception:
            return None


def decode_record(
    record: ConsumerRecord[Any, Any],
    accepts: EventTypes,
    business_check: BusinessCheck | None = None,
) -> ReceivedEvent | Rejected:
    """Turn one Kafka record into a typed event, or say precisely why it cannot be.

    Never raises: whatever goes wrong decoding one record (a JSON body nested too deep for the
    parser, an integer too long to convert, a bug in a check) rejects that record alone.
    """
    try:
        return _decode(record, accepts, business_check)
    except Exception as exc:
        return Rejected(record, "undecodable", f"{type(exc).__name__}: {exc}")


def _decode(
    record: ConsumerRecord[Any, Any],
    accepts: EventTypes,
    business_check: BusinessCheck | None,
) -> ReceivedEvent | Rejected:
    raw = record.value or b""
    context = NUL_FREE if nul_free(raw) else None
    whole = accepts.whole(raw, context)
    if whole is not None:
        envelope, data = whole, whole.data
    else:
        stepwise = _decode_stepwise(record, accepts, context)
        if isinstance(stepwise, Rejected):
            return stepwise
        envelope, data = stepwise
    if data.subject() != envelope.subject:
        return Rejected(
            record, "schema-invalid", f"subject {envelope.subject!r} is not {data.subject()!r}"
        )
    problem = business_check(data) if business_check else None
    if problem:
        return Rejected(record, "unprocessable", problem)
    return ReceivedEvent(
        envelope, data, record.topic, record.partition, record.offset, record.timestamp
    )


def _decode_stepwise(
    record: ConsumerRecord[Any, Any], accepts: EventTypes, context: dict[str, bool] | None
) -> tuple[CloudEvent, EventData] | Rejected:
    """The envelope, then its data: slower than `EventTypes.whole`, and precise on what is
    wrong."""
    envelope = _envelope(record, context)
    if isinstance(envelope, Rejected):
        return envelope
    model = accepts.by_type.get(envelope.type)
    if model is None:
        return Rejected(
            record, "unknown-event-type", f"type {envelope.type!r} is not accepted here"
        )
    try:
        return envelope, model.model_validate(envelope.data, context=context)
    except ValidationError as exc:
        return Rejected(record, "schema-invalid", _summarise(exc, prefix="data."))


def _envelope(
    record: ConsumerRecord[Any, Any], context: dict[str, bool] | None
) -> CloudEvent | Rejected:
    """The envelope of a record, or why it has none."""
    try:
        # pydantic's own parser validates while it parses, in about half the time of
        # `json.loads` and a validation of the resulting dict (decision 0014).
        return CloudEvent.model_validate_json(record.value or b"", context=context)
    except Exception:
        # Whatever went wrong, the exact path below says why.
        pass
    try:
        raw = json.loads(record.value or b"")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return Rejected(record, "malformed-json", str(exc))
    try:
        return CloudEvent.model_validate(raw)
    except ValidationError as exc:
        return Rejected(record, "not-a-cloudevent", _summarise(exc))


def _summarise(exc: ValidationError, prefix: str = "") -> str:
    return "; ".join(
        f"{_where(error['loc'], prefix)}: {error['msg']}" for error in exc.errors()[:10]
    )


def _where(location: tuple[int | str, ...], prefix: str) -> str:
    """`data.lines.0.sku`; a check of the whole model (no location) is named by the prefix."""
    return prefix + ".".join(str(part) for part in location) or prefix.rstrip(".") or "<value>"


async def _parse_ignoring_headers(
    records: tuple[ConsumerRecord[Any, Any], ...],
    original_parser: Callable[[tuple[ConsumerRecord[Any, Any], ...]], Awaitable[KafkaMessage]],
) -> KafkaMessage:
    """faststream's parser decodes every header as UTF-8 before the handler runs, so one header
    with a bad byte would fail the whole batch there. Events travel in structured mode (every
    attribute in the value): the headers carry nothing we read, so the parser never sees them
    (a record without headers is passed as it is: copying every record cost a tenth of a batch)."""
    message = await original_parser(
        tuple(
            dataclasses.replace(record, headers=()) if record.headers else record
            for record in records
        )
    )
    message.raw_message = records
    return message


async def _leave_body_undecoded(message: KafkaMessage) -> None:
    """faststream would parse a body it believes is JSON and fail the batch on one that is
    not; decoding is `decode_record`'s alone."""


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
        fetch_bytes_per_partition: int = 1024 * 1024,
        retry_delays: Sequence[float] = (0.2, 1.0, 5.0),
    ) -> None:
        """`fetch_bytes_per_partition` bounds what one fetch brings of a partition: a batch
        larger than it holds of records waits for the next fetch and stays small."""
        self.name = name
        self.topics = tuple(topics)
        self.dead_letter_topic = dead_letter_topic(name)
        self._broker = broker
        self._accepts = EventTypes(accepts)
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
            max_partition_fetch_bytes=fetch_bytes_per_partition,
            batch_timeout_ms=100,
            title=name,
            parser=_parse_ignoring_headers,
            decoder=_leave_body_undecoded,
        )(self.consume)

    async def consume(self, body: Any, message: KafkaMessage) -> None:
        records: tuple[ConsumerRecord[Any, Any], ...] = message.raw_message
        decoded = await self._decode_all(records)
        rejected = [item for item in decoded if isinstance(item, Rejected)]
        events = [item for item in decoded if isinstance(item, ReceivedEvent)]
        by_position = {
            (record.topic, record.partition, record.offset): record for record in records
        }
        try:
            if events:
                with BATCH_SECONDS.labels(self.name).time():
                    set_aside = await self._handle(events, by_position)
                CONSUMED.labels(self.name).inc(len(events) - len(set_aside))
                rejected += set_aside
            await self._dead_letter(sorted(rejected, key=_position))
        except Exception as error:
            # The database or the broker outlived the retries (or, never expected, the consumer
            # itself failed): rewind so the batch is read again rather than skipped; the inbox
            # makes handling it again a no-op, and nothing was set aside.
            log.exception("batch failed, rewinding", extra={"consumer": self.name})
            await message.nack()
            if is_transient_fault(error):
                return
            raise
        await self._commit_offsets(message)

    async def _decode_all(
        self, records: tuple[ConsumerRecord[Any, Any], ...]
    ) -> list[ReceivedEvent | Rejected]:
        """Decode the batch, letting the event loop run between slices: a long stretch of CPU
        (a batch of large records) would starve the group heartbeats, the consumer would be
        dropped from its group and the batch read again."""
        decoded: list[ReceivedEvent | Rejected] = []
        for start in range(0, len(records), DECODE_SLICE):
            decoded += [
                decode_record(record, self._accepts, self._business_check)
                for record in records[start : start + DECODE_SLICE]
            ]
            await asyncio.sleep(0)
        return decoded

    async def _handle(
        self, events: list[ReceivedEvent], by_position: dict[RecordKey, ConsumerRecord[Any, Any]]
    ) -> list[Rejected]:
        """Handle the events; return those set aside because the handler fails on them alone.

        A batch that fails on its data is split in halves, so the good events are handled and
        only a single event that fails again after the retries is set aside.
        """
        try:
            await self._call_handler(events, retry_data_errors=len(events) == 1)
            return []
        except Exception as error:
            if is_transient_fault(error):
                raise
            if len(events) == 1:
                (event,) = events
                record = by_position[(event.topic, event.partition, event.offset)]
                log.error(
                    "handler failed on one event alone, setting it aside",
                    exc_info=error,
                    extra={"consumer": self.name, "event_id": event.id},
                )
                return [Rejected(record, HANDLER_FAILED, f"{type(error).__name__}: {error}")]
            middle = len(events) // 2
            return await self._handle(events[:middle], by_position) + await self._handle(
                events[middle:], by_position
            )

    async def _call_handler(self, events: list[ReceivedEvent], *, retry_data_errors: bool) -> None:
        """Call the handler, retrying with backoff after a transient fault (and after any fault
        when `retry_data_errors`, for a single event about to be set aside)."""
        for delay in self._retry_delays:
            try:
                await self._handler(events)
                return
            except Exception as error:
                if not (retry_data_errors or is_transient_fault(error)):
                    raise
                log.warning("batch handler failed, retrying in %ss", delay, exc_info=True)
                await asyncio.sleep(delay)
        await self._handler(events)

    async def _commit_offsets(self, message: KafkaMessage) -> None:
        await message.ack()

    async def _dead_letter(self, items: list[Rejected]) -> None:
        """Publish the batch's dead letters together, and count them once they are acknowledged."""
        await asyncio.gather(*(self._publish_dead_letter(item) for item in items))
        for item in items:
            record = item.record
            DEAD_LETTERS.labels(self.name, item.reason).inc()
            log.warning(
                "dead-lettered a record: %s",
                item.reason,
                extra={
                    "topic": record.topic,
                    "partition": record.partition,
                    "offset": record.offset,
                },
            )

    async def _publish_dead_letter(self, item: Rejected) -> None:
        record = item.record
        await self._broker.publish(
            record.value or b"",
            topic=self.dead_letter_topic,
            key=record.key,
            headers={
                "content-type": CLOUDEVENTS_CONTENT_TYPE,
                "dlq-reason": item.reason,
                # A detail can quote the record's own bytes: keep the header valid UTF-8.
                "dlq-detail": item.detail[:MAX_DETAIL_LENGTH]
                .encode("utf-8", "backslashreplace")
                .decode(),
                "dlq-consumer": self.name,
                "dlq-original-topic": record.topic,
                "dlq-original-partition": str(record.partition),
                "dlq-original-offset": str(record.offset),
            },
        )


def _position(item: Rejected) -> RecordKey:
    return (item.record.topic, item.record.partition, item.record.offset)

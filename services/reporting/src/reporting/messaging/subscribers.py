"""Kafka subscribers: one consumer group per source topic set, in batches (thin: each hands
its batch to the counting handler). The same `SOURCES` drive a rebuild's replay."""

from collections.abc import Sequence
from dataclasses import dataclass

from faststream.kafka import KafkaBroker

from chassis.kafka import BatchConsumer, EventTypes, ReceivedEvent
from contracts import accounts_v1, complaints_v1, engagement_v1, erp_v1
from contracts.envelope import EventData
from reporting.bootstrap import Reporting
from reporting.service_layer.handlers import count_events


@dataclass(frozen=True)
class Source:
    """A consumer group's suffix, its topics and the events it counts."""

    suffix: str
    topics: tuple[str, ...]
    accepts: tuple[type[EventData], ...]

    def topics_with(self, prefix: str) -> list[str]:
        """Its topics as this deployment names them (`REPORTING_TOPIC_PREFIX`, "" but in
        tests and benchmarks that need topics of their own)."""
        return [f"{prefix}{topic}" for topic in self.topics]


SOURCES: tuple[Source, ...] = (
    Source("accounts", (accounts_v1.ACCOUNTS_TOPIC,), accounts_v1.EVENTS),
    Source(
        "orders",
        (erp_v1.ORDERS_TOPIC,),
        (erp_v1.OrderPlaced, erp_v1.OrderCancelled, erp_v1.OrderReturned),
    ),
    Source("tickets", (complaints_v1.TICKETS_TOPIC,), complaints_v1.EVENTS),
    Source(
        "engagement",
        (engagement_v1.PLAN_TOPIC, engagement_v1.FEEDBACK_TOPIC, engagement_v1.TARGETS_TOPIC),
        engagement_v1.EVENTS,
    ),
)


def consumer_name(prefix: str, source: Source) -> str:
    return f"{prefix}.{source.suffix}"


def source_topics(prefix: str) -> list[str]:
    return [topic for source in SOURCES for topic in source.topics_with(prefix)]


def register_consumers(broker: KafkaBroker, app: Reporting) -> list[BatchConsumer]:
    """One consumer group per source, so a slow one never holds up the others."""
    consumers = []
    for source in SOURCES:
        name = consumer_name(app.settings.consumer_group_prefix, source)

        async def handle(events: list[ReceivedEvent], name: str = name) -> None:
            await count_events(uow=app.uow(), consumer=name, events=events, now=app.clock.now())

        consumers.append(
            BatchConsumer(
                broker=broker,
                name=name,
                topics=source.topics_with(app.settings.topic_prefix),
                accepts=source.accepts,
                handler=handle,
                batch_size=app.settings.consumer_batch_size,
            )
        )
    return consumers


def accepted(sources: Sequence[Source], prefix: str) -> dict[str, EventTypes]:
    """Topic -> the event types its consumer accepts."""
    return {
        topic: EventTypes(source.accepts)
        for source in sources
        for topic in source.topics_with(prefix)
    }

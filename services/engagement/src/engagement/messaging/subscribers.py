"""Kafka subscribers: the accounts, ERP orders and complaints topics, in batches (thin: each
hands its batch to a service-layer handler)."""

from collections.abc import Awaitable, Callable, Sequence

from faststream.kafka import KafkaBroker

from chassis.kafka import BatchConsumer, ReceivedEvent
from contracts import accounts_v1, complaints_v1, erp_v1
from contracts.envelope import EventData
from engagement.bootstrap import Engagement
from engagement.service_layer import handlers

EventHandler = Callable[..., Awaitable[None]]


def _consumer(
    broker: KafkaBroker,
    app: Engagement,
    suffix: str,
    topic: str,
    accepts: Sequence[type[EventData]],
    handler: EventHandler,
) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.{suffix}"

    async def handle(events: list[ReceivedEvent]) -> None:
        await handler(
            uow=app.uow(), consumer=name, events=events, now=app.clock.now(), settings=app.plan
        )

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[topic],
        accepts=tuple(accepts),
        handler=handle,
        batch_size=app.settings.consumer_batch_size,
    )


def register_consumers(broker: KafkaBroker, app: Engagement) -> list[BatchConsumer]:
    """One consumer group per source topic, so a slow one never holds up the others."""
    return [
        _consumer(
            broker,
            app,
            "accounts",
            accounts_v1.ACCOUNTS_TOPIC,
            accounts_v1.EVENTS,
            handlers.apply_account_events,
        ),
        _consumer(
            broker,
            app,
            "orders",
            erp_v1.ORDERS_TOPIC,
            (erp_v1.OrderPlaced, erp_v1.OrderCancelled, erp_v1.OrderReturned),
            handlers.apply_order_events,
        ),
        _consumer(
            broker,
            app,
            "tickets",
            complaints_v1.TICKETS_TOPIC,
            complaints_v1.EVENTS,
            handlers.apply_ticket_events,
        ),
    ]

"""Consumes satisfaction feedback and complaint tickets in batches."""

from faststream.kafka import KafkaBroker

from accounts.bootstrap import Accounts
from accounts.service_layer.signals import ingest_signals
from chassis.kafka import BatchConsumer, ReceivedEvent
from contracts import complaints_v1, engagement_v1


def register_signals_consumer(broker: KafkaBroker, app: Accounts) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.signals"
    rules = app.rules

    async def handle(events: list[ReceivedEvent]) -> None:
        await ingest_signals(
            uow=app.uow(), consumer=name, events=events, rules=rules, clock=app.clock
        )

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[engagement_v1.FEEDBACK_TOPIC, complaints_v1.TICKETS_TOPIC],
        accepts=(*engagement_v1.FEEDBACK_EVENTS, *complaints_v1.EVENTS),
        handler=handle,
        batch_size=app.settings.consumer_batch_size,
    )

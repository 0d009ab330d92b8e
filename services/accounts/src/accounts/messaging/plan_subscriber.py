"""Consumes engagement's plan topic in batches: the last and next contact of each account."""

from faststream.kafka import KafkaBroker

from accounts.bootstrap import Accounts
from accounts.service_layer.contacts import record_plan_events
from chassis.kafka import BatchConsumer, ReceivedEvent
from contracts import engagement_v1


def register_plan_consumer(broker: KafkaBroker, app: Accounts) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.plan"

    async def handle(events: list[ReceivedEvent]) -> None:
        await record_plan_events(uow=app.uow(), consumer=name, events=events)

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[engagement_v1.PLAN_TOPIC],
        accepts=engagement_v1.PLAN_EVENTS,
        handler=handle,
        batch_size=app.settings.consumer_batch_size,
    )

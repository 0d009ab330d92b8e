"""Consumes the accounts topic in batches: the local read model of accounts, and erasures."""

from faststream.kafka import KafkaBroker

from chassis.kafka import BatchConsumer, ReceivedEvent
from complaints.bootstrap import Complaints
from complaints.service_layer.handlers import apply_account_events
from contracts import accounts_v1


def register_accounts_consumer(broker: KafkaBroker, app: Complaints) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.accounts"

    async def handle(events: list[ReceivedEvent]) -> None:
        await apply_account_events(uow=app.uow(), consumer=name, events=events, clock=app.clock)

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[accounts_v1.ACCOUNTS_TOPIC],
        accepts=accounts_v1.EVENTS,
        handler=handle,
        batch_size=app.settings.consumer_batch_size,
    )

"""Consumes the services' erasure completions (`privacy.erasures.v1`) for the erasure report."""

from faststream.kafka import KafkaBroker

from accounts.bootstrap import Accounts
from accounts.service_layer.privacy import record_erasures_completed
from chassis.kafka import BatchConsumer, ReceivedEvent
from contracts import privacy_v1


def register_privacy_consumer(broker: KafkaBroker, app: Accounts) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.privacy"

    async def handle(events: list[ReceivedEvent]) -> None:
        await record_erasures_completed(uow=app.uow(), consumer=name, events=events)

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[privacy_v1.ERASURES_TOPIC],
        accepts=privacy_v1.EVENTS,
        handler=handle,
        batch_size=app.settings.consumer_batch_size,
    )

"""Consumes the ERP topics in batches and hands them to the ingest handler."""

from faststream.kafka import KafkaBroker

from accounts.bootstrap import Accounts
from accounts.service_layer.erp_ingest import ingest_erp_events
from chassis.kafka import BatchConsumer, ReceivedEvent
from contracts import erp_v1
from contracts.envelope import EventData


def register_erp_consumer(broker: KafkaBroker, app: Accounts) -> BatchConsumer:
    name = f"{app.settings.consumer_group_prefix}.erp"
    currency = app.settings.currency
    rules = app.rules

    def reject_foreign_currency(data: EventData) -> str | None:
        # Revenue is summed in the deployment currency; converting is the ERP's job.
        event_currency = getattr(data, "currency", currency)
        if event_currency != currency:
            return f"currency {event_currency} is not the deployment currency {currency}"
        return None

    async def handle(events: list[ReceivedEvent]) -> None:
        await ingest_erp_events(
            uow=app.uow(), consumer=name, events=events, rules=rules, clock=app.clock
        )

    return BatchConsumer(
        broker=broker,
        name=name,
        topics=[erp_v1.CUSTOMERS_TOPIC, erp_v1.ORDERS_TOPIC],
        accepts=erp_v1.EVENTS,
        handler=handle,
        business_check=reject_foreign_currency,
        batch_size=app.settings.erp_batch_size,
        fetch_bytes_per_partition=app.settings.erp_fetch_bytes_per_partition,
    )

"""Event handlers: every consumed event is counted once, in the batch's one transaction."""

from collections.abc import Mapping, Sequence
from datetime import datetime

from chassis.kafka import ReceivedEvent
from chassis.privacy import erasure_completed
from contracts.accounts_v1 import AccountContactsErased
from reporting.service_layer.unit_of_work import ReportingUnitOfWork

SERVICE = "reporting"


async def count_events(
    *, uow: ReportingUnitOfWork, consumer: str, events: list[ReceivedEvent], now: datetime
) -> int:
    """Store the facts of the batch's events this consumer never counted; returns how many."""
    return await count_batch(uow=uow, by_consumer={consumer: events}, erasures_done_at=now)


async def count_batch(
    *,
    uow: ReportingUnitOfWork,
    by_consumer: Mapping[str, Sequence[ReceivedEvent]],
    erasures_done_at: datetime | None,
) -> int:
    """Store the facts of the events each consumer never counted, all in one transaction (a
    rebuild's fetch spans every source); returns how many.

    Reporting keeps no personal data (docs/privacy.md), so an erasure has nothing to anonymise
    here: its completion is reported at `erasures_done_at`, in the same transaction. None (a
    rebuild replaying old erasures) reports nothing again."""
    async with uow:
        await uow.facts.begin_batch()
        fresh: list[ReceivedEvent] = []
        for consumer, events in by_consumer.items():
            fresh += await uow.inbox.new_events(consumer=consumer, events=events)
        if fresh:
            await uow.facts.add(fresh)
        if erasures_done_at is not None:
            for event in fresh:
                if isinstance(event.data, AccountContactsErased):
                    uow.outbox.add(
                        erasure_completed(event.data, service=SERVICE, at=erasures_done_at)
                    )
        await uow.commit()
    return len(fresh)

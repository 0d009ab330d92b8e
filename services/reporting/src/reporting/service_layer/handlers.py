"""Event handlers: every consumed event is counted once, in the batch's one transaction."""

from collections.abc import Mapping, Sequence

from chassis.kafka import ReceivedEvent
from reporting.service_layer.unit_of_work import ReportingUnitOfWork


async def count_events(
    *, uow: ReportingUnitOfWork, consumer: str, events: list[ReceivedEvent]
) -> int:
    """Store the facts of the batch's events this consumer never counted; returns how many."""
    return await count_batch(uow=uow, by_consumer={consumer: events})


async def count_batch(
    *, uow: ReportingUnitOfWork, by_consumer: Mapping[str, Sequence[ReceivedEvent]]
) -> int:
    """Store the facts of the events each consumer never counted, all in one transaction (a
    rebuild's fetch spans every source); returns how many."""
    async with uow:
        await uow.facts.begin_batch()
        fresh: list[ReceivedEvent] = []
        for consumer, events in by_consumer.items():
            fresh += await uow.inbox.new_events(consumer=consumer, events=events)
        if fresh:
            await uow.facts.add(fresh)
        await uow.commit()
    return len(fresh)

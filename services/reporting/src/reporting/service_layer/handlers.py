"""Event handlers: every consumed event is counted once, in the batch's one transaction."""

from chassis.kafka import ReceivedEvent
from reporting.service_layer.unit_of_work import ReportingUnitOfWork


async def count_events(
    *, uow: ReportingUnitOfWork, consumer: str, events: list[ReceivedEvent]
) -> int:
    """Store the facts of the batch's events this consumer never counted; returns how many."""
    async with uow:
        await uow.facts.share_swap_lock()
        fresh = await uow.inbox.new_events(consumer=consumer, events=events)
        if fresh:
            await uow.facts.add(fresh)
        await uow.commit()
    return len(fresh)

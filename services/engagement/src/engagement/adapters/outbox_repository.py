"""The plan items' domain events and the other results into the outbox, as contract events
(see `published`)."""

from collections.abc import Sequence

from chassis.outbox import Outbox
from contracts.envelope import EventData
from engagement.adapters.published import item_contract
from engagement.domain.plan import PlanItem


class OutboxRepository:
    def __init__(self, pending: Outbox) -> None:
        self._pending = pending

    def record(self, items: Sequence[PlanItem]) -> None:
        """Publish the items' new events at commit, in the order they happened; an item's
        events are recorded once."""
        for item in items:
            for event in item.events:
                self._pending.add(item_contract(item, event), time=event.at)
            item.events.clear()

    def add(self, event: EventData) -> None:
        self._pending.add(event)

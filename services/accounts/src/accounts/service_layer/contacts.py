"""Engagement's plan events kept as each account's last and next contact (the account page).

One unit of work per batch; the inbox makes a redelivered event a no-op. One account's events
come from one partition, in order, so the batch is folded in the order it arrived.
"""

from collections.abc import Sequence

from accounts.domain.contacts import LastContact, PlanChanges, PlanItem, next_contact
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.kafka import ReceivedEvent
from contracts import engagement_v1 as v1
from contracts.envelope import EventData


def _item(data: v1.PlanItemPlanned | v1.PlanItemMissed, state: str) -> PlanItem:
    return PlanItem(data.item_id, data.account_id, data.kind, data.origin, state, data.due_on)


def _fold(changes: PlanChanges, data: EventData) -> None:
    match data:
        case v1.PlanItemPlanned():
            changes.keep(_item(data, "planned"))
        case v1.PlanItemMissed():
            changes.keep(_item(data, "missed"))
        case v1.PlanItemConfirmed():
            changes.move(data.account_id, data.item_id, state="confirmed", due_on=data.due_on)
        case v1.PlanItemRescheduled():
            changes.move(data.account_id, data.item_id, state="rescheduled", due_on=data.due_on)
        case v1.PlanItemDone() | v1.PlanItemCancelled():
            changes.remove(data.account_id, data.item_id)
        case v1.VisitLogged():
            changes.contacted(LastContact(data.account_id, data.occurred_on, data.channel))


async def record_plan_events(
    *, uow: AccountsUnitOfWork, consumer: str, events: Sequence[ReceivedEvent]
) -> None:
    """Keep the plan's open items, then each touched account's last and next contact."""
    # Reassignments change who owns items, which the account page does not show.
    relevant = [e for e in events if not isinstance(e.data, v1.PlanItemsReassigned)]
    if not relevant:
        return
    async with uow:
        fresh = await uow.inbox.new_events(consumer=consumer, events=relevant)
        if not fresh:
            return
        changes = PlanChanges()
        for event in fresh:
            _fold(changes, event.data)
        await uow.contacts.save(changes)
        open_items = await uow.contacts.open_items(changes.accounts)
        await uow.contacts.set_next(
            {account: next_contact(open_items.get(account, ())) for account in changes.accounts}
        )
        await uow.commit()

"""Last and next contact with an account, from engagement's plan (a local read model).

Engagement owns the plan; accounts keeps only what its account page shows: the last logged
contact (day and channel) and the earliest open item (due day, kind, origin). To know the
earliest open item after any change, every item is kept while it can still be open: planned,
confirmed and rescheduled items, and missed ones (a missed item can be moved to another day
and is open again). Done and cancelled items are gone for good.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

OPEN_STATES = ("planned", "confirmed", "rescheduled")


@dataclass(frozen=True)
class PlanItem:
    item_id: str
    account_id: str
    kind: str
    origin: str
    state: str
    due_on: date

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class ItemMove:
    """A known item's new state and due day (its events say no more: no kind, no origin)."""

    item_id: str
    state: str
    due_on: date


@dataclass(frozen=True)
class LastContact:
    account_id: str
    on: date
    channel: str


@dataclass(frozen=True)
class NextContact:
    due_on: date
    kind: str
    origin: str


@dataclass
class PlanChanges:
    """One batch of plan events folded in order: each item's outcome, each account's latest
    contact. An item ends as one of: written whole, moved (if it is known), or removed."""

    items: dict[str, PlanItem] = field(default_factory=dict)
    moves: dict[str, ItemMove] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    last_contacts: dict[str, LastContact] = field(default_factory=dict)
    accounts: set[str] = field(default_factory=set)

    def keep(self, item: PlanItem) -> None:
        """An item seen whole (planned, or missed: those events carry kind and origin)."""
        self._forget(item.item_id)
        self.items[item.item_id] = item
        self.accounts.add(item.account_id)

    def move(self, account_id: str, item_id: str, *, state: str, due_on: date) -> None:
        """Confirmed or rescheduled: applies to the item as this batch or the table has it."""
        self.accounts.add(account_id)
        if item_id in self.removed:
            return
        if item_id in self.items:
            self.items[item_id] = replace(self.items[item_id], state=state, due_on=due_on)
        else:
            self.moves[item_id] = ItemMove(item_id, state, due_on)

    def remove(self, account_id: str, item_id: str) -> None:
        """Done or cancelled: the item can never be open again."""
        self._forget(item_id)
        self.removed.add(item_id)
        self.accounts.add(account_id)

    def contacted(self, contact: LastContact) -> None:
        """A logged contact; a later day wins, and on the same day the later log."""
        self.accounts.add(contact.account_id)
        known = self.last_contacts.get(contact.account_id)
        if known is None or known.on <= contact.on:
            self.last_contacts[contact.account_id] = contact

    def _forget(self, item_id: str) -> None:
        self.items.pop(item_id, None)
        self.moves.pop(item_id, None)
        self.removed.discard(item_id)


def next_contact(items: Iterable[PlanItem]) -> NextContact | None:
    """The earliest open item (overdue ones included: they are still to be done)."""
    open_items = sorted((i for i in items if i.is_open), key=lambda i: (i.due_on, i.item_id))
    if not open_items:
        return None
    first = open_items[0]
    return NextContact(first.due_on, first.kind, first.origin)

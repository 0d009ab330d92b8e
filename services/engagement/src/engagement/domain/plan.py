"""Plan items: the visits, calls, care touches and follow-ups on an account's plan, and the
states they move through.

An item is due on a day and counts as on time until the end of its window. It is open while
planned, confirmed or rescheduled; done, missed and cancelled end it (a missed item can still
be done late, moved to another day, or cancelled). Every change records a domain event.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal, get_args

from chassis import errors
from chassis.messages import N_, _
from engagement.domain.events import (
    ItemCancelled,
    ItemConfirmed,
    ItemDone,
    ItemEvent,
    ItemMissed,
    ItemPlanned,
    ItemRescheduled,
    Party,
)

# The one spelling of these inside the service; contracts.engagement_v1 spells the published
# ones again (contracts import no service) and tests/unit/test_contract_literals.py keeps the
# two equal.
ItemKind = Literal["visit", "call", "care_touch", "follow_up"]
ItemState = Literal["planned", "confirmed", "done", "missed", "rescheduled", "cancelled"]
Origin = Literal[
    "cadence",
    "first_order_3d",
    "first_order_3w",
    "first_order_3m",
    "complaint_follow_up",
    "retention",
    "win_back",
    "birthday",
    "anniversary",
    "holiday",
    "annual_meeting",
    "next_step",
    "manual",
]
RescheduleReason = Literal[
    "customer_unavailable",
    "customer_request",
    "manager_unavailable",
    "merged",
    "replanned",
    "other",
]
CancelReason = Literal["customer_cancelled", "replanned", "merged", "account_closed", "other"]

KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
ITEM_STATES: tuple[ItemState, ...] = get_args(ItemState)
ORIGINS: tuple[Origin, ...] = get_args(Origin)
OPEN_STATES: tuple[ItemState, ...] = ("planned", "confirmed", "rescheduled")
# Items people add by hand; the others are planned by Rapport.
MANUAL_ORIGINS: tuple[Origin, ...] = ("manual", "next_step")


class ActionNotAllowed(errors.Conflict):
    """The item's state forbids the action (409)."""

    code = "action_not_allowed"


class InvalidItem(errors.InvalidInput):
    """An item's dates or fields do not hold together (422)."""

    code = "invalid_item"


@dataclass
class PlanItem:
    item_id: str
    account_id: str
    owner: str | None
    kind: ItemKind
    origin: Origin
    due_on: date
    window_start: date
    window_end: date
    state: ItemState = "planned"
    policy_version: int | None = None
    # What planned it (an order, a ticket, a visit, a date): unique per account and origin,
    # so a redelivered trigger plans nothing twice. None for cadence and manual items.
    trigger: str | None = None
    note: str = ""
    reschedule_count: int = 0
    visit_id: str | None = None
    replaced_by: str | None = None
    cancelled_by: Party | None = None
    done_at: datetime | None = None
    events: list[ItemEvent] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.window_start <= self.due_on <= self.window_end:
            raise InvalidItem(
                _("due day %(due_on)s must lie within its window %(start)s..%(end)s")
                % {"due_on": self.due_on, "start": self.window_start, "end": self.window_end}
            )

    @classmethod
    def plan(
        cls,
        *,
        item_id: str,
        account_id: str,
        owner: str | None,
        kind: ItemKind,
        origin: Origin,
        due_on: date,
        window_end: date,
        at: datetime,
        window_start: date | None = None,
        policy_version: int | None = None,
        trigger: str | None = None,
        note: str = "",
    ) -> "PlanItem":
        item = cls(
            item_id=item_id,
            account_id=account_id,
            owner=owner,
            kind=kind,
            origin=origin,
            due_on=due_on,
            window_start=window_start or due_on,
            window_end=window_end,
            policy_version=policy_version,
            trigger=trigger,
            note=note,
        )
        item.events.append(ItemPlanned(at=at))
        return item

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def overdue(self, today: date) -> bool:
        return self.is_open and self.window_end < today

    def confirm(self, *, actor: str | None, at: datetime) -> None:
        self._require(("planned", "rescheduled"), N_("confirm"))
        self.state = "confirmed"
        self.events.append(ItemConfirmed(at=at, actor=actor))

    def reschedule(
        self,
        *,
        to: date,
        requested_by: Party,
        reason: RescheduleReason,
        actor: str | None,
        at: datetime,
        today: date,
        account_count: int,
    ) -> None:
        """Move the item to another day; its window keeps its length. `account_count` is
        the account's moved items with this one."""
        self._require((*OPEN_STATES, "missed"), N_("reschedule"))
        if to < today:
            raise InvalidItem(_("cannot reschedule to %(day)s, a day in the past") % {"day": to})
        if to == self.due_on and self.state != "missed":
            raise InvalidItem(_("the item is already due on %(day)s") % {"day": to})
        previous = self.due_on
        self.window_end = to + (self.window_end - self.due_on)
        self.window_start = to
        self.due_on = to
        self.state = "rescheduled"
        self.reschedule_count += 1
        self.events.append(
            ItemRescheduled(
                at=at,
                actor=actor,
                previous_due_on=previous,
                requested_by=requested_by,
                reason=reason,
                account_count=account_count,
            )
        )

    def complete(self, *, visit_id: str | None, on: date, at: datetime) -> None:
        """Done, as the visit log entry `visit_id` records; late when after its window."""
        self._require((*OPEN_STATES, "missed"), N_("mark done"))
        self.state = "done"
        self.visit_id = visit_id
        self.done_at = at
        self.events.append(ItemDone(at=at, on_time=on <= self.window_end))

    def cancel(
        self,
        *,
        by: Party,
        reason: CancelReason,
        actor: str | None,
        at: datetime,
        replaced_by: str | None = None,
    ) -> None:
        self._require((*OPEN_STATES, "missed"), N_("cancel"))
        self.state = "cancelled"
        self.cancelled_by = by
        self.replaced_by = replaced_by
        self.events.append(ItemCancelled(at=at, actor=actor, by=by, reason=reason))

    def miss(self, *, at: datetime) -> None:
        """Its window ended while it was still open (set by the scheduler)."""
        self._require(OPEN_STATES, N_("mark missed"))
        self.state = "missed"
        self.events.append(ItemMissed(at=at))

    def _require(self, states: tuple[ItemState, ...], action: str) -> None:
        if self.state not in states:
            raise ActionNotAllowed(
                _("cannot %(action)s an item that is %(state)s")
                % {"action": _(action), "state": _(self.state)}
            )

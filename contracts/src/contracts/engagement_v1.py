"""Events published by the engagement service, version 1: the contact plan, the visit log,
satisfaction feedback and sales targets.

Plan and visit events are keyed by account, so everything about one account stays in order;
targets are keyed by the manager they belong to. No names, phones, e-mails or notes travel:
ids, classes, dates and counts only.
"""

from datetime import date
from typing import ClassVar, Literal, Self

from pydantic import Field, model_validator

from contracts.envelope import EventData
from contracts.types import CurrencyCode, NonNegativeDecimalString, UtcDateTime

PLAN_TOPIC = "engagement.plan.v1"
FEEDBACK_TOPIC = "engagement.feedback.v1"
TARGETS_TOPIC = "engagement.targets.v1"
SOURCE = "engagement"

ItemKind = Literal["visit", "call", "care_touch", "follow_up"]
ItemOrigin = Literal[
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
Party = Literal["customer", "us"]
RescheduleReason = Literal[
    "customer_unavailable",
    "customer_request",
    "manager_unavailable",
    "merged",
    "replanned",
    "other",
]
CancelReason = Literal["customer_cancelled", "replanned", "merged", "account_closed", "other"]
Channel = Literal["phone", "email", "on_site", "video"]
Outcome = Literal[
    "order_placed",
    "opportunity",
    "information",
    "issue_raised",
    "no_interest",
    "not_reached",
]
StaffId = str
_STAFF = Field(min_length=1, max_length=64)
_ID = Field(min_length=1, max_length=64)


class PlanItemPlanned(EventData):
    """A visit, call, care touch or follow-up was put on an account's plan."""

    event_type: ClassVar[str] = "engagement.plan_item.planned.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64, description="the manager")
    kind: ItemKind
    origin: ItemOrigin
    due_on: date = Field(description="the day it is planned for")
    window_start: date
    window_end: date = Field(description="the last day it still counts as on time")
    policy_version: int | None = Field(default=None, description="cadence items only")
    trigger: str | None = Field(
        default=None, max_length=200, description="what caused it: an order, ticket, visit..."
    )
    planned_at: UtcDateTime

    @model_validator(mode="after")
    def _window_holds_the_day(self) -> Self:
        if not self.window_start <= self.due_on <= self.window_end:
            raise ValueError("due_on must lie within window_start..window_end")
        return self


class PlanItemRescheduled(EventData):
    """An item moved to another day: who asked, why, and how often it has moved."""

    event_type: ClassVar[str] = "engagement.plan_item.rescheduled.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64)
    previous_due_on: date
    due_on: date
    window_end: date
    requested_by: Party
    reason: RescheduleReason
    reschedule_count: int = Field(ge=0, description="moves of this item so far")
    account_reschedule_count: int = Field(ge=0, description="moves of this account's items")
    rescheduled_by: StaffId | None = Field(default=None, max_length=64)
    rescheduled_at: UtcDateTime


class PlanItemConfirmed(EventData):
    """The customer confirmed the appointment."""

    event_type: ClassVar[str] = "engagement.plan_item.confirmed.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64)
    due_on: date
    confirmed_by: StaffId | None = Field(default=None, max_length=64)
    confirmed_at: UtcDateTime


class PlanItemDone(EventData):
    """An item was carried out; `visit_id` is the visit log entry that recorded it."""

    event_type: ClassVar[str] = "engagement.plan_item.done.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64)
    kind: ItemKind
    origin: ItemOrigin
    due_on: date
    window_end: date
    on_time: bool = Field(description="done on or before window_end")
    visit_id: str | None = Field(default=None, max_length=64)
    done_at: UtcDateTime


class PlanItemMissed(EventData):
    """An item's window ended without it being done (set by the scheduler)."""

    event_type: ClassVar[str] = "engagement.plan_item.missed.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64)
    kind: ItemKind
    origin: ItemOrigin
    due_on: date
    window_end: date
    missed_at: UtcDateTime


class PlanItemCancelled(EventData):
    """An item was taken off the plan: cancelled by the customer, or by us (re-planned, merged
    into another item, or the account closed)."""

    event_type: ClassVar[str] = "engagement.plan_item.cancelled.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    item_id: str = _ID
    account_id: str = _ID
    owner: StaffId | None = Field(default=None, max_length=64)
    kind: ItemKind
    origin: ItemOrigin
    due_on: date
    cancelled_by: Party
    reason: CancelReason
    replaced_by: str | None = Field(default=None, max_length=64, description="merged into")
    cancelled_at: UtcDateTime


class PlanItemsReassigned(EventData):
    """An account's manager changed: its open items now belong to the new one."""

    event_type: ClassVar[str] = "engagement.plan_items.reassigned.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    account_id: str = _ID
    previous_owner: StaffId | None = Field(default=None, max_length=64)
    owner: StaffId | None = Field(default=None, max_length=64)
    item_ids: list[str] = Field(max_length=10_000)
    reassigned_at: UtcDateTime


class VisitLogged(EventData):
    """A contact with a customer was logged, planned or not. The contact met, the notes and
    the next step's text stay in engagement; the event says only that there was one."""

    event_type: ClassVar[str] = "engagement.visit.logged.v1"
    topic: ClassVar[str] = PLAN_TOPIC

    visit_id: str = _ID
    account_id: str = _ID
    manager: StaffId = _STAFF
    item_id: str | None = Field(default=None, max_length=64, description="the planned item")
    occurred_on: date
    channel: Channel
    duration_minutes: int = Field(ge=0, le=24 * 60)
    outcome: Outcome
    next_step_item_id: str | None = Field(default=None, max_length=64)
    next_step_due_on: date | None = None
    logged_at: UtcDateTime


class FeedbackRecorded(EventData):
    """A customer answered a satisfaction question: CSAT (1-5), NPS (0-10) or both.

    Asked after visits, after complaint closure and in periodic surveys (DOMAIN.md §2).
    Carries no personal data: the account, the scores and when they were given.
    """

    event_type: ClassVar[str] = "engagement.feedback.recorded.v1"
    topic: ClassVar[str] = FEEDBACK_TOPIC

    feedback_id: str = Field(min_length=1, max_length=64)
    account_id: str = Field(min_length=1, max_length=64)
    csat: int | None = Field(default=None, ge=1, le=5, description="satisfaction, 1 to 5")
    nps: int | None = Field(default=None, ge=0, le=10, description="would recommend, 0 to 10")
    context: str = Field(max_length=50, description="visit, complaint, survey, ...")
    responded_at: UtcDateTime
    manager: StaffId | None = Field(default=None, max_length=64, description="who asked")
    visit_id: str | None = Field(default=None, max_length=64)
    ticket_id: str | None = Field(default=None, max_length=64)

    @model_validator(mode="after")
    def _has_a_score(self) -> Self:
        if self.csat is None and self.nps is None:
            raise ValueError("feedback needs a csat or an nps score")
        return self


class TargetSet(EventData):
    """A manager's monthly sales target was set or changed (the latest one counts)."""

    event_type: ClassVar[str] = "engagement.target.set.v1"
    topic: ClassVar[str] = TARGETS_TOPIC

    manager: StaffId = _STAFF
    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    amount: NonNegativeDecimalString
    currency: CurrencyCode
    set_by: StaffId | None = Field(default=None, max_length=64)
    set_at: UtcDateTime

    def subject(self) -> str:
        return self.manager


PLAN_EVENTS: tuple[type[EventData], ...] = (
    PlanItemPlanned,
    PlanItemRescheduled,
    PlanItemConfirmed,
    PlanItemDone,
    PlanItemMissed,
    PlanItemCancelled,
    PlanItemsReassigned,
    VisitLogged,
)
FEEDBACK_EVENTS: tuple[type[EventData], ...] = (FeedbackRecorded,)
TARGET_EVENTS: tuple[type[EventData], ...] = (TargetSet,)
EVENTS: tuple[type[EventData], ...] = PLAN_EVENTS + FEEDBACK_EVENTS + TARGET_EVENTS

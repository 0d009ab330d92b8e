"""Commands: what a manager, supervisor or admin asks engagement to do. `actor` is the
signed-in staff id; `managers` whose accounts and items the command may load (their scope,
decision 0016; None: anyone's), so outside it the account or item is not found."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from chassis.auth import Managers
from engagement.domain.calendar import Holiday
from engagement.domain.plan import CancelReason, ItemKind, Party, RescheduleReason
from engagement.domain.visits import Channel, FeedbackContext, NextStep, Outcome


@dataclass(frozen=True)
class PlanManualItem:
    account_id: str
    kind: ItemKind
    due_on: date
    actor: str
    managers: Managers
    window_end: date | None = None
    note: str = ""


@dataclass(frozen=True)
class ConfirmItem:
    item_id: str
    actor: str
    managers: Managers


@dataclass(frozen=True)
class RescheduleItem:
    item_id: str
    due_on: date
    requested_by: Party
    reason: RescheduleReason
    actor: str
    managers: Managers


@dataclass(frozen=True)
class CancelItem:
    item_id: str
    cancelled_by: Party
    reason: CancelReason
    actor: str
    managers: Managers


@dataclass(frozen=True)
class LogVisit:
    """Log a contact, planned (`item_id`) or not; its next step becomes a plan item and its
    scores, when given, are recorded as feedback."""

    account_id: str
    occurred_on: date
    channel: Channel
    duration_minutes: int
    outcome: Outcome
    actor: str
    managers: Managers
    item_id: str | None = None
    contact_ref: str | None = None
    notes: str = ""
    next_step: NextStep | None = None
    csat: int | None = None
    nps: int | None = None
    visit_id: str | None = None


@dataclass(frozen=True)
class RecordFeedback:
    account_id: str
    context: FeedbackContext
    actor: str
    managers: Managers
    csat: int | None = None
    nps: int | None = None
    visit_id: str | None = None
    ticket_id: str | None = None


@dataclass(frozen=True)
class SetTarget:
    manager: str
    month: date
    amount: Decimal
    currency: str
    actor: str


@dataclass(frozen=True)
class DraftCadencePolicy:
    data: dict[str, Any]
    actor: str


@dataclass(frozen=True)
class ActivateCadencePolicy:
    version: int
    actor: str


@dataclass(frozen=True)
class SetTeam:
    team: str
    supervisor: str
    managers: tuple[str, ...]


@dataclass(frozen=True)
class SetCalendar:
    holidays: tuple[Holiday, ...]
    working_days: tuple[date, ...]

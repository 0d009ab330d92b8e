"""Events published by the complaints service, version 1. Ids and codes, never personal details.

Every event is keyed by the account the ticket belongs to, so a consumer sees one account's
complaints in order.
"""

from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import EventData
from contracts.types import UtcDateTime

TICKETS_TOPIC = "complaints.tickets.v1"
SOURCE = "complaints"

Channel = Literal["hotline", "online", "email", "visit", "social"]
Category = Literal["product_quality", "delivery", "price", "service", "billing", "returns"]
Department = Literal["sales", "quality", "logistics", "finance"]
Remedy = Literal["replace", "repair", "refund", "compensation", "explanation"]
ClockName = Literal[
    "respond",
    "confirm",
    "resolve",
    "feedback",
    "return_review",
    "replacement",
    "refund",
    "regulator",
]
EscalationTarget = Literal["supervisor", "ops"]


class TicketFiled(EventData):
    """A complaint ticket was opened for an account, with the policy version that governs it."""

    event_type: ClassVar[str] = "complaints.ticket.filed.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    channel: Channel
    category: Category
    severity: int = Field(ge=1, le=3)
    policy_version: int
    tier: str | None = None
    vip: bool = False
    order_refs: list[str] = Field(default_factory=list, max_length=1_000)
    repeat_count: int = Field(default=0, description="earlier tickets of the account in the window")
    filed_by: str
    filed_at: UtcDateTime


class TicketAcknowledged(EventData):
    """The customer was answered: the complaint is acknowledged."""

    event_type: ClassVar[str] = "complaints.ticket.acknowledged.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    acknowledged_by: str
    acknowledged_at: UtcDateTime


class TicketAssigned(EventData):
    """The ticket was given to a department and a handler."""

    event_type: ClassVar[str] = "complaints.ticket.assigned.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    department: Department
    handler: str | None = None
    assigned_by: str
    assigned_at: UtcDateTime


class SlaWarning(EventData):
    """An SLA clock used `threshold` percent of its target time."""

    event_type: ClassVar[str] = "complaints.ticket.sla_warning.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    clock: ClockName
    threshold: int = Field(ge=1, le=99, description="percent of the target time used")
    deadline: UtcDateTime
    warned_at: UtcDateTime


class SlaBreached(EventData):
    """An SLA clock reached its deadline before it was met."""

    event_type: ClassVar[str] = "complaints.ticket.sla_breached.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    clock: ClockName
    severity: int = Field(ge=1, le=3)
    deadline: UtcDateTime
    breached_at: UtcDateTime


class SlaMet(EventData):
    """An SLA clock was stopped before its deadline."""

    event_type: ClassVar[str] = "complaints.ticket.sla_met.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    clock: ClockName
    deadline: UtcDateTime
    met_at: UtcDateTime


class TicketEscalated(EventData):
    """A breached ticket was escalated: level 1 to the supervisor, level 2 to ops."""

    event_type: ClassVar[str] = "complaints.ticket.escalated.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    level: int = Field(ge=1)
    escalated_to: EscalationTarget
    clock: ClockName
    escalated_at: UtcDateTime


class TicketResolved(EventData):
    """A solution was agreed with the customer and carried out."""

    event_type: ClassVar[str] = "complaints.ticket.resolved.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    category: Category
    remedy: Remedy | None = None
    resolved_by: str
    resolved_at: UtcDateTime


class TicketClosed(EventData):
    """The customer was told the result and asked for satisfaction: the loop is closed."""

    event_type: ClassVar[str] = "complaints.ticket.closed.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    satisfaction: int | None = Field(default=None, ge=1, le=5)
    closed_by: str
    closed_at: UtcDateTime


class TicketReopened(EventData):
    """A closed ticket was opened again."""

    event_type: ClassVar[str] = "complaints.ticket.reopened.v1"
    topic: ClassVar[str] = TICKETS_TOPIC

    ticket_id: str
    account_id: str
    reopen_count: int = Field(ge=1)
    reopened_by: str
    reopened_at: UtcDateTime


EVENTS: tuple[type[EventData], ...] = (
    TicketFiled,
    TicketAcknowledged,
    TicketAssigned,
    SlaWarning,
    SlaBreached,
    SlaMet,
    TicketEscalated,
    TicketResolved,
    TicketClosed,
    TicketReopened,
)

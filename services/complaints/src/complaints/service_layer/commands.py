"""Commands: what staff ask of a ticket. Each names the domain step it runs."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from complaints.domain.scope import Visibility
from complaints.domain.tickets import SlaContext, Ticket


@dataclass(frozen=True)
class FileComplaint:
    account_id: str
    contact: str
    channel: str
    category: str
    severity: int
    description: str
    actor: str
    visible_to: Visibility  # a complaint is taken only about an account one may see
    order_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketCommand:
    """A step on an existing ticket."""

    ticket_id: str
    actor: str
    visible_to: Visibility  # a ticket outside it is not found

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Acknowledge(TicketCommand):
    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.acknowledge(at=at, actor=self.actor, ctx=ctx)


@dataclass(frozen=True)
class Investigate(TicketCommand):
    department: str | None = None

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.investigate(at=at, actor=self.actor, ctx=ctx, department=self.department)


@dataclass(frozen=True)
class Assign(TicketCommand):
    department: str = ""
    handler: str | None = None

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.assign(
            at=at, actor=self.actor, ctx=ctx, department=self.department, handler=self.handler
        )


@dataclass(frozen=True)
class ProposeSolution(TicketCommand):
    remedy: str = ""
    solution: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.propose_solution(
            at=at, actor=self.actor, ctx=ctx, remedy=self.remedy, solution=self.solution
        )


@dataclass(frozen=True)
class RejectSolution(TicketCommand):
    reason: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.reject_solution(at=at, actor=self.actor, ctx=ctx, reason=self.reason)


@dataclass(frozen=True)
class Resolve(TicketCommand):
    root_cause: str = ""
    # Filled in by the handler: earlier tickets with the same root cause in the window.
    cause_repeat_count: int = field(default=0, compare=False)

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.resolve(
            at=at,
            actor=self.actor,
            ctx=ctx,
            root_cause=self.root_cause,
            cause_repeat_count=self.cause_repeat_count,
        )


@dataclass(frozen=True)
class FollowUp(TicketCommand):
    note: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.follow_up(at=at, actor=self.actor, ctx=ctx, note=self.note)


@dataclass(frozen=True)
class Close(TicketCommand):
    satisfaction: int | None = None

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.close(at=at, actor=self.actor, ctx=ctx, satisfaction=self.satisfaction)


@dataclass(frozen=True)
class Reopen(TicketCommand):
    reason: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.reopen(at=at, actor=self.actor, ctx=ctx, reason=self.reason)


@dataclass(frozen=True)
class PauseClock(TicketCommand):
    clock: str = ""
    reason: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.pause_clock(name=self.clock, at=at, actor=self.actor, ctx=ctx, reason=self.reason)


@dataclass(frozen=True)
class ResumeClock(TicketCommand):
    clock: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.resume_clock(name=self.clock, at=at, actor=self.actor, ctx=ctx)


@dataclass(frozen=True)
class ReviewReturn(TicketCommand):
    remedy: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.review_return(at=at, actor=self.actor, ctx=ctx, remedy=self.remedy)


@dataclass(frozen=True)
class RecordGoodsReceived(TicketCommand):
    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.record_goods_received(at=at, actor=self.actor, ctx=ctx)


@dataclass(frozen=True)
class RecordReplacementShipped(TicketCommand):
    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.record_replacement_shipped(at=at, actor=self.actor, ctx=ctx)


@dataclass(frozen=True)
class RecordRefundPaid(TicketCommand):
    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.record_refund_paid(at=at, actor=self.actor, ctx=ctx)


@dataclass(frozen=True)
class ReportToRegulator(TicketCommand):
    reference: str = ""

    def apply(self, ticket: Ticket, *, at: datetime, ctx: SlaContext) -> None:
        ticket.report_to_regulator(at=at, actor=self.actor, ctx=ctx, reference=self.reference)


@dataclass(frozen=True)
class UpdateCalendar:
    name: str
    time_zone: str
    week: dict[str, list[str]]
    # As stored: {"date": "2026-10-01", "name": {"en": "National Day", "zh": "国庆节"}}.
    holidays: list[dict[str, Any]]
    actor: str


@dataclass(frozen=True)
class PublishPolicy:
    document: dict[str, object]
    actor: str
    activate: bool = True


@dataclass(frozen=True)
class ActivatePolicy:
    version: int
    actor: str


@dataclass(frozen=True)
class AddStandardAnswer:
    category: str
    title: str
    body: str

"""Domain events -> the published complaints contract (ids and codes, no personal details)."""

import uuid

from complaints.domain import events as domain
from complaints.domain.tickets import Ticket
from contracts import complaints_v1 as v1
from contracts.envelope import EventData

ESCALATION_TARGETS: dict[int, v1.EscalationTarget] = {1: "supervisor", 2: "ops"}
TIMED_EVENT_IDS = uuid.UUID("5f6b1f3e-2a43-4c1e-9a55-6f0d3c2b7e11")


def timed_event_id(ticket: Ticket, event: domain.TimedEvent) -> str:
    """The CloudEvent id of a time-driven event, derived from what it is, so staging it ahead
    and recording it when it happens write one event."""
    match event:
        case domain.ClockWarning(clock=clock, cycle=cycle, threshold=threshold):
            name = f"{ticket.id}/{clock}/{cycle}/warning/{threshold}"
        case domain.ClockBreached(clock=clock, cycle=cycle):
            name = f"{ticket.id}/{clock}/{cycle}/breached"
        case domain.TicketEscalated(level=level, reopen_count=reopen_count):
            name = f"{ticket.id}/escalated/{level}/{reopen_count}"
    return str(uuid.uuid5(TIMED_EVENT_IDS, name))


def event_id(ticket: Ticket, event: domain.DomainEvent) -> str | None:
    """The id a domain event is published under; None means a fresh one."""
    if isinstance(event, domain.TimedEvent):
        return timed_event_id(ticket, event)
    return None


def to_contract(ticket: Ticket, event: domain.DomainEvent) -> EventData:
    base = {"ticket_id": ticket.id, "account_id": ticket.account_id}
    match event:
        case domain.TicketFiled(at=at, actor=actor):
            return v1.TicketFiled(
                **base,
                channel=ticket.channel,
                category=ticket.category,
                severity=ticket.severity,
                policy_version=ticket.policy_version,
                tier=ticket.tier,
                vip=ticket.vip,
                order_refs=list(ticket.order_refs),
                repeat_count=ticket.repeat_count,
                filed_by=actor,
                filed_at=at,
            )
        case domain.TicketAcknowledged(at=at, actor=actor):
            return v1.TicketAcknowledged(**base, acknowledged_by=actor, acknowledged_at=at)
        case domain.TicketAssigned(at=at, actor=actor, department=department, handler=handler):
            return v1.TicketAssigned(
                **base,
                department=department,
                handler=handler,
                assigned_by=actor,
                assigned_at=at,
            )
        case domain.ClockWarning(clock=clock, threshold=threshold, deadline=deadline, at=at):
            return v1.SlaWarning(
                **base, clock=clock, threshold=threshold, deadline=deadline, warned_at=at
            )
        case domain.ClockBreached(clock=clock, deadline=deadline, at=at):
            return v1.SlaBreached(
                **base, clock=clock, severity=ticket.severity, deadline=deadline, breached_at=at
            )
        case domain.ClockMet(clock=clock, deadline=deadline, at=at):
            return v1.SlaMet(**base, clock=clock, deadline=deadline, met_at=at)
        case domain.TicketEscalated(level=level, clock=clock, at=at):
            return v1.TicketEscalated(
                **base,
                level=level,
                escalated_to=ESCALATION_TARGETS[level],
                clock=clock,
                escalated_at=at,
            )
        case domain.TicketResolved(at=at, actor=actor):
            return v1.TicketResolved(
                **base,
                category=ticket.category,
                remedy=ticket.remedy,
                resolved_by=actor,
                resolved_at=at,
            )
        case domain.TicketClosed(at=at, actor=actor):
            return v1.TicketClosed(
                **base, satisfaction=ticket.satisfaction, closed_by=actor, closed_at=at
            )
        case domain.TicketReopened(at=at, actor=actor):
            return v1.TicketReopened(
                **base, reopen_count=ticket.reopen_count, reopened_by=actor, reopened_at=at
            )
    raise TypeError(f"no contract for {event!r}")

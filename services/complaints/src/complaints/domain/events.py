"""Domain events: what happened to a ticket. The adapters map them to the published contracts.

Time-driven events (warning, breach, escalation) happen at the moment they fall due, whenever
they are noticed, and carry what makes each one unique (clock cycle, reopen count): the same
event foreseen ahead and recorded later is one event.
"""

from dataclasses import dataclass
from datetime import datetime

from complaints.domain.policy import ClockName


@dataclass(frozen=True)
class TicketFiled:
    at: datetime
    actor: str


@dataclass(frozen=True)
class TicketAcknowledged:
    at: datetime
    actor: str


@dataclass(frozen=True)
class TicketAssigned:
    at: datetime
    actor: str
    department: str
    handler: str | None


@dataclass(frozen=True)
class TicketResolved:
    at: datetime
    actor: str


@dataclass(frozen=True)
class TicketClosed:
    at: datetime
    actor: str


@dataclass(frozen=True)
class TicketReopened:
    at: datetime
    actor: str


@dataclass(frozen=True)
class ClockWarning:
    clock: ClockName
    cycle: int
    threshold: int
    deadline: datetime
    at: datetime


@dataclass(frozen=True)
class ClockBreached:
    clock: ClockName
    cycle: int
    deadline: datetime
    at: datetime


@dataclass(frozen=True)
class ClockMet:
    clock: ClockName
    deadline: datetime
    at: datetime


@dataclass(frozen=True)
class TicketEscalated:
    level: int
    clock: ClockName
    at: datetime
    reopen_count: int


ClockEvent = ClockWarning | ClockBreached | ClockMet
TimedEvent = ClockWarning | ClockBreached | TicketEscalated
DomainEvent = (
    TicketFiled
    | TicketAcknowledged
    | TicketAssigned
    | TicketResolved
    | TicketClosed
    | TicketReopened
    | ClockWarning
    | ClockBreached
    | ClockMet
    | TicketEscalated
)

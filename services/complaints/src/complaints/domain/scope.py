"""Whose tickets a person may see and work (decision 0016, complaints)."""

from dataclasses import dataclass

from chassis.auth import Scope


@dataclass(frozen=True)
class TicketScope:
    """The tickets of the accounts of `scope.managers`, those assigned to `scope.departments`
    (with the unassigned ones a handler takes in), and one's own: opened or handled by
    `staff_id`, so a ticket sent on to another department stays in sight of who works it."""

    scope: Scope
    staff_id: str


# None: every ticket (ops, who follow every breach, and the service's own jobs).
Visibility = TicketScope | None

"""FastAPI dependencies of the complaints API."""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from chassis.audit import PURPOSE_HEADER
from chassis.auth import CurrentPrincipal, Principal, Role, SignedIn, require_role, scope_of
from complaints.bootstrap import Complaints
from complaints.domain.scope import TicketScope, Visibility
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork


def get_complaints(request: Request) -> Complaints:
    app: Complaints = request.app.state.complaints
    return app


async def read_uow(
    app: Annotated[Complaints, Depends(get_complaints)],
) -> AsyncIterator[ComplaintsUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


ComplaintsApp = Annotated[Complaints, Depends(get_complaints)]
ReadUow = Annotated[ComplaintsUnitOfWork, Depends(read_uow)]


@dataclass(frozen=True)
class Caller:
    """Who asks, and whose tickets they see and work."""

    principal: Principal
    visible_to: Visibility

    @property
    def user_id(self) -> str:
        return self.principal.user_id


def visibility_of(principal: Principal, teams: Mapping[str, frozenset[str]]) -> Visibility:
    """Ops follow every breach, so they read every ticket; anyone else sees their scope: a
    manager their accounts' tickets, a supervisor their teams', a handler their department's
    and the unassigned ones; everyone the tickets they opened or handle (decision 0016,
    complaints)."""
    if principal.has_role("ops"):
        return None
    return TicketScope(scope_of(principal, teams), principal.user_id)


def caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency of the API: the caller, when their token holds one of `roles`; else 403."""

    async def dependency(principal: CurrentPrincipal, app: ComplaintsApp) -> Caller:
        principal.require(*roles)
        return Caller(principal, visibility_of(principal, app.teams))

    return dependency


def page_caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """`caller` for pages: a browser nobody signed in to is sent to sign in first."""

    async def dependency(principal: SignedIn, app: ComplaintsApp) -> Caller:
        principal.require(*roles)
        return Caller(principal, visibility_of(principal, app.teams))

    return dependency


# Who may do what (decision 0016, complaints): tickets are read by managers, supervisors,
# complaint handlers and ops, and worked (opened, stepped) by all of them but ops, each within
# what they see; the SLA board is ops'; calendars and SLA policies are the admin's.
TICKET_READERS: tuple[Role, ...] = ("manager", "supervisor", "complaint_handler", "ops")
TICKET_WORKERS: tuple[Role, ...] = ("manager", "supervisor", "complaint_handler")
TicketReader = Annotated[Caller, Depends(caller(*TICKET_READERS))]
TicketWorker = Annotated[Caller, Depends(caller(*TICKET_WORKERS))]
OnDuty = Annotated[Principal, Depends(require_role("ops"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]


def purpose(
    value: Annotated[str, Header(alias=PURPOSE_HEADER, max_length=200)] = "complaint handling",
) -> str:
    """Why the caller reads a ticket's personal data (the access log's `why`)."""
    return value


Purpose = Annotated[str, Depends(purpose)]

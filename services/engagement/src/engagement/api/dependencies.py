"""FastAPI dependencies of the engagement API: the application, units of work, who is asking.

Who asks is the principal of the verified token (or of the signed-in browser; chassis.auth,
decision 0016). Each route names the roles it needs through a `Caller` dependency (`Reader`,
`Worker`, `TeamReader`, `Administrator`): without a token 401, without the role 403. The caller
carries whose boards, plans, visits and targets they may see (`managers`), which every read and
write-load puts in its SQL, so a record outside it is not found (404).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from chassis.auth import CurrentPrincipal, Managers, Principal, Role, SignedIn, managers_in_scope
from chassis.errors import NotFound
from chassis.messages import _
from engagement.bootstrap import Engagement
from engagement.service_layer.planning import local_day
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


def get_engagement(request: Request) -> Engagement:
    app: Engagement = request.app.state.engagement
    return app


async def read_uow(
    app: Annotated[Engagement, Depends(get_engagement)],
) -> AsyncIterator[EngagementUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


def today(app: Annotated[Engagement, Depends(get_engagement)]) -> date:
    """The company's calendar day now."""
    return local_day(app.clock.now(), app.plan)


@dataclass(frozen=True)
class Caller:
    """The signed-in person a request acts for, and whose records they may see and change."""

    principal: Principal
    managers: Managers  # the account managers whose records are in scope; None: everyone's

    @property
    def actor(self) -> str:
        """Who acts in histories and events: the signed-in staff id."""
        return self.principal.user_id

    def can(self, *roles: Role) -> bool:
        """Whether the caller holds one of `roles` (the pages show only what they may do)."""
        return self.principal.has_role(*roles)

    def require_sees(self, manager: str) -> str:
        """`manager`, when their boards and targets are in scope; else not found (a board or
        target is known by its manager: outside the scope nothing is read or written)."""
        if self.managers is not None and manager not in self.managers:
            raise NotFound(_("no manager %(id)r") % {"id": manager})
        return manager


def caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency of the API: the caller, when their token holds one of `roles`; else 403."""

    async def dependency(
        principal: CurrentPrincipal, app: Annotated[Engagement, Depends(get_engagement)]
    ) -> Caller:
        principal.require(*roles)
        return Caller(principal, managers_in_scope(principal, app.teams))

    return dependency


def page_caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """`caller` for pages: a browser nobody signed in to is sent to sign in first. The caller is
    also kept on the request, for the templates to show only the actions it may take."""

    async def dependency(
        request: Request, principal: SignedIn, app: Annotated[Engagement, Depends(get_engagement)]
    ) -> Caller:
        principal.require(*roles)
        found = Caller(principal, managers_in_scope(principal, app.teams))
        request.state.caller = found
        return found

    return dependency


EngagementApp = Annotated[Engagement, Depends(get_engagement)]
ReadUow = Annotated[EngagementUnitOfWork, Depends(read_uow)]
Today = Annotated[date, Depends(today)]
# Who may do what (decision 0016, engagement): boards, plans, items, policies and teams are read
# by managers, supervisors and the admin (who reads everyone's); items, visits, feedback and
# targets are worked by managers and supervisors; a team's board is its supervisor's (and the
# admin's); cadence policies, teams and the calendar are the admin's.
Reader = Annotated[Caller, Depends(caller("manager", "supervisor", "admin"))]
Worker = Annotated[Caller, Depends(caller("manager", "supervisor"))]
TeamReader = Annotated[Caller, Depends(caller("supervisor", "admin"))]
Administrator = Annotated[Caller, Depends(caller("admin"))]
# The same roles for the pages.
PageReader = Annotated[Caller, Depends(page_caller("manager", "supervisor", "admin"))]
PageWorker = Annotated[Caller, Depends(page_caller("manager", "supervisor"))]
PageTeamReader = Annotated[Caller, Depends(page_caller("supervisor", "admin"))]

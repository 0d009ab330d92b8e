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

from fastapi import Depends, Header, Request

from chassis import auth
from chassis.audit import PURPOSE_HEADER
from chassis.auth import Role
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


def teams_of(request: Request) -> dict[str, frozenset[str]]:
    return get_engagement(request).teams


@dataclass(frozen=True)
class Caller(auth.Caller):
    """The signed-in person a request acts for, and whose boards, plans, visits and targets
    they may see and change (`managers`; None: everyone's)."""

    @property
    def actor(self) -> str:
        """Who acts in histories and events: the signed-in staff id."""
        return self.principal.user_id

    def require_sees(self, manager: str) -> str:
        """`manager`, when their boards and targets are in scope; else not found (a board or
        target is known by its manager: outside the scope nothing is read or written)."""
        if self.managers is not None and manager not in self.managers:
            raise NotFound(_("no manager %(id)r") % {"id": manager})
        return manager


def caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency of the API: the caller, when their token holds one of `roles`; else 403."""
    return auth.caller_dependency(Caller, teams_of, *roles)


def page_caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """`caller` for pages: a browser nobody signed in to is sent to sign in first."""
    return auth.page_caller_dependency(Caller, teams_of, *roles)


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
PageAdministrator = Annotated[Caller, Depends(page_caller("admin"))]


def purpose(
    value: Annotated[str, Header(alias=PURPOSE_HEADER, max_length=200)] = "contact planning",
) -> str:
    """Why the caller reads personal data (the access log's `why`)."""
    return value


Purpose = Annotated[str, Depends(purpose)]

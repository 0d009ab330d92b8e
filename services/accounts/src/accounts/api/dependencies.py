"""FastAPI dependencies of the accounts API: the application, units of work, who is asking.

Who asks is the principal of the verified token (or of the signed-in browser; chassis.auth,
decision 0016). Each route names the roles it needs through a `Caller` dependency (`Reader`,
`Worker`, `Decider`, `Administrator`): without a token 401, without the role 403. The caller
carries whose accounts they may see (`managers`), which every read and write-load puts in its
SQL, so an account outside it is not found (404). The reason for reading personal data can be
given in `X-Rapport-Purpose`.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from accounts.bootstrap import Accounts
from accounts.domain.scope import Managers
from accounts.domain.vip import Actor
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.auth import CurrentPrincipal, Principal, Role, SignedIn, managers_in_scope
from chassis.errors import Forbidden
from chassis.messages import _


def get_accounts(request: Request) -> Accounts:
    app: Accounts = request.app.state.accounts
    return app


async def read_uow(
    app: Annotated[Accounts, Depends(get_accounts)],
) -> AsyncIterator[AccountsUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


def get_uow(app: Annotated[Accounts, Depends(get_accounts)]) -> AccountsUnitOfWork:
    """A fresh unit of work for a handler that writes (the handler opens and commits it)."""
    return app.uow()


@dataclass(frozen=True)
class Caller:
    """The signed-in person a request acts for, and whose accounts they may see and change."""

    principal: Principal
    managers: Managers  # the account managers whose accounts are in scope; None: every account

    @property
    def actor(self) -> Actor:
        """Who acts in histories and events, in the strongest role the token gives them here."""
        for role in ("admin", "supervisor", "manager"):
            if self.principal.has_role(role):
                return Actor(self.principal.user_id, role)
        # A machine client (no role) only reads; its reads are logged under its name.
        return Actor(self.principal.user_id, "manager")

    def can(self, *roles: Role) -> bool:
        """Whether the caller holds one of `roles` (the pages show only what they may do)."""
        return self.principal.has_role(*roles)

    def require_covers(self, manager: str) -> None:
        """Forbidden unless accounts of `manager` are in the caller's scope (a new prospect)."""
        if self.managers is not None and manager not in self.managers:
            raise Forbidden(
                _("you can register accounts only for yourself or your team's managers"),
                code="outside_scope",
            )


def caller_of(principal: Principal, teams: dict[str, frozenset[str]]) -> Caller:
    """An admin sees every account; anyone else the scope chassis gives them (decision 0016)."""
    return Caller(principal, managers_in_scope(principal, teams))


def caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency of the API: the caller, when their token holds one of `roles`; else 403."""

    async def dependency(
        principal: CurrentPrincipal, app: Annotated[Accounts, Depends(get_accounts)]
    ) -> Caller:
        principal.require(*roles)
        return caller_of(principal, app.teams)

    return dependency


def page_caller(*roles: Role) -> Callable[..., Awaitable[Caller]]:
    """`caller` for pages: a browser nobody signed in to is sent to sign in first. The caller is
    also kept on the request, for the templates to show only the actions it may take."""

    async def dependency(
        request: Request, principal: SignedIn, app: Annotated[Accounts, Depends(get_accounts)]
    ) -> Caller:
        principal.require(*roles)
        found = caller_of(principal, app.teams)
        request.state.caller = found
        return found

    return dependency


async def name_reader(
    principal: CurrentPrincipal, app: Annotated[Accounts, Depends(get_accounts)]
) -> Caller:
    """Who may read cards' names by reference: a reader, or a machine client the settings name
    (engagement's pages show its care touches' contact names), over every account."""
    if principal.username in app.settings.name_reader_clients:
        return Caller(principal, None)
    principal.require("manager", "supervisor", "admin")
    return caller_of(principal, app.teams)


def purpose(
    value: Annotated[str, Header(alias="X-Rapport-Purpose", max_length=200)] = "account management",
) -> str:
    return value


AccountsApp = Annotated[Accounts, Depends(get_accounts)]
ReadUow = Annotated[AccountsUnitOfWork, Depends(read_uow)]
WriteUow = Annotated[AccountsUnitOfWork, Depends(get_uow)]
# Who may do what (decision 0016, accounts): accounts, cards and reports are read by managers,
# supervisors and the admin; cards, prospects, referrals and nominations are written by
# managers and supervisors; VIP decisions and report reviews are the supervisor's; tier policies
# the admin's. Reports are generated by a supervisor or the admin.
Reader = Annotated[Caller, Depends(caller("manager", "supervisor", "admin"))]
Worker = Annotated[Caller, Depends(caller("manager", "supervisor"))]
Decider = Annotated[Caller, Depends(caller("supervisor"))]
ReportMaker = Annotated[Caller, Depends(caller("supervisor", "admin"))]
Administrator = Annotated[Caller, Depends(caller("admin"))]
NameReader = Annotated[Caller, Depends(name_reader)]
# The same roles for the pages.
PageReader = Annotated[Caller, Depends(page_caller("manager", "supervisor", "admin"))]
PageWorker = Annotated[Caller, Depends(page_caller("manager", "supervisor"))]
PageDecider = Annotated[Caller, Depends(page_caller("supervisor"))]
PageReportMaker = Annotated[Caller, Depends(page_caller("supervisor", "admin"))]
PageAdministrator = Annotated[Caller, Depends(page_caller("admin"))]
Purpose = Annotated[str, Depends(purpose)]

"""FastAPI dependencies of the accounts API: the application, units of work, who is acting.

There is no authentication yet: the caller says who acts in `X-Rapport-User` (a staff id such
as AM-01) and in which role in `X-Rapport-Role` (`manager`, the default, or `supervisor`).
Writes need the user; the reason for reading personal data can be given in `X-Rapport-Purpose`.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request

from accounts.bootstrap import Accounts
from accounts.domain.vip import Actor, Role
from accounts.service_layer.unit_of_work import AccountsUnitOfWork

STAFF_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


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


def acting(
    user: Annotated[str, Header(alias="X-Rapport-User", pattern=STAFF_ID)],
    role: Annotated[Role, Header(alias="X-Rapport-Role")] = "manager",
) -> Actor:
    return Actor(user, role)


def purpose(
    value: Annotated[str, Header(alias="X-Rapport-Purpose", max_length=200)] = "account management",
) -> str:
    return value


AccountsApp = Annotated[Accounts, Depends(get_accounts)]
ReadUow = Annotated[AccountsUnitOfWork, Depends(read_uow)]
WriteUow = Annotated[AccountsUnitOfWork, Depends(get_uow)]
Acting = Annotated[Actor, Depends(acting)]
Purpose = Annotated[str, Depends(purpose)]

"""FastAPI dependencies of the accounts API."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from accounts.bootstrap import Accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork


def get_accounts(request: Request) -> Accounts:
    app: Accounts = request.app.state.accounts
    return app


async def read_uow(
    app: Annotated[Accounts, Depends(get_accounts)],
) -> AsyncIterator[AccountsUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


AccountsApp = Annotated[Accounts, Depends(get_accounts)]
ReadUow = Annotated[AccountsUnitOfWork, Depends(read_uow)]

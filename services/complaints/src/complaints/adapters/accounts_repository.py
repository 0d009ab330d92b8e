"""The local read model of accounts, kept from the accounts service's events."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import upsert_statement
from complaints.adapters.scoping import accounts_visible
from complaints.adapters.tables import accounts
from complaints.domain.scope import Visibility
from complaints.domain.tickets import AccountView


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str, *, visible_to: Visibility) -> AccountView | None:
        """A registered account, if its complaints are in `visible_to`."""
        row = (
            await self._session.execute(
                select(accounts).where(
                    accounts.c.account_id == account_id,
                    accounts.c.registered,
                    accounts_visible(visible_to),
                )
            )
        ).first()
        if row is None:
            return None
        return AccountView(row.account_id, row.name, row.tier, row.vip)

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Merge account facts; each row names only the columns its event knows."""
        for columns in {tuple(sorted(row)) for row in rows}:
            same_shape = [row for row in rows if tuple(sorted(row)) == columns]
            await self._session.execute(
                upsert_statement(accounts, same_shape, ["account_id"]), same_shape
            )

"""Accounts themselves: manager-entered prospects, updates, referral chains, rankings."""

from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts
from accounts.domain.scope import Managers
from chassis.db import managed_by


class AccountsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all_ids(self) -> list[str]:
        result = await self._session.execute(
            select(accounts.c.account_id).order_by(accounts.c.account_id)
        )
        return list(result.scalars())

    async def add_prospect(self, row: dict[str, Any]) -> bool:
        """Insert a prospect; False when the id is taken."""
        result = await self._session.execute(
            insert(accounts).values(row).on_conflict_do_nothing().returning(accounts.c.account_id)
        )
        return result.first() is not None

    async def account_row(
        self, account_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        query = select(accounts).where(accounts.c.account_id == account_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return dict(row) if row else None

    async def update_account(self, account_id: str, **values: Any) -> None:
        await self._session.execute(
            update(accounts).where(accounts.c.account_id == account_id).values(**values)
        )

    async def refers_back(self, account_id: str, referrer_id: str) -> bool:
        """Would `referrer_id` referring `account_id` close a loop of referrals?"""
        chain = text(
            "WITH RECURSIVE up(id, depth) AS ("
            " SELECT referred_by, 1 FROM accounts WHERE account_id = :start"
            " UNION ALL SELECT a.referred_by, up.depth + 1 FROM accounts a"
            " JOIN up ON a.account_id = up.id WHERE up.depth < 1000)"
            " SELECT 1 FROM up WHERE id = :target LIMIT 1"
        )
        found = await self._session.scalar(chain, {"start": referrer_id, "target": account_id})
        return found is not None

    async def top_by_revenue(self, limit: int, *, managers: Managers) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(accounts)
            .where(accounts.c.net_revenue_12m > 0, managed_by(accounts.c.account_manager, managers))
            .order_by(accounts.c.net_revenue_12m.desc(), accounts.c.account_id)
            .limit(limit)
        )
        return [dict(row) for row in result.mappings()]

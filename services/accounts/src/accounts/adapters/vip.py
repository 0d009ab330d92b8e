"""VIP nominations and their decisions."""

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts, vip_nominations
from accounts.domain.scope import Managers
from chassis.db import managed_by


class VipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def has_pending(self, account_id: str) -> bool:
        found = await self._session.scalar(
            select(vip_nominations.c.id).where(
                vip_nominations.c.account_id == account_id, vip_nominations.c.status == "pending"
            )
        )
        return found is not None

    async def nominate(self, *, account_id: str, reason: str, by: str, at: datetime) -> int:
        nomination_id: int = await self._session.scalar(
            vip_nominations.insert()
            .values(
                account_id=account_id,
                status="pending",
                reason=reason,
                nominated_by=by,
                nominated_at=at,
            )
            .returning(vip_nominations.c.id)
        )
        return nomination_id

    async def get(self, nomination_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        query = select(vip_nominations).where(vip_nominations.c.id == nomination_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return dict(row) if row else None

    async def decide(
        self, nomination_id: int, *, status: str, by: str, at: datetime, note: str
    ) -> None:
        await self._session.execute(
            update(vip_nominations)
            .where(vip_nominations.c.id == nomination_id)
            .values(status=status, decided_by=by, decided_at=at, decision_note=note)
        )

    async def mark_revoked(self, account_id: str, *, by: str, at: datetime, reason: str) -> None:
        """Record the revocation on the approval that made the account a VIP."""
        latest = (
            select(vip_nominations.c.id)
            .where(
                vip_nominations.c.account_id == account_id, vip_nominations.c.status == "approved"
            )
            .order_by(vip_nominations.c.decided_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        await self._session.execute(
            update(vip_nominations)
            .where(vip_nominations.c.id == latest)
            .values(revoked_by=by, revoked_at=at, revoke_reason=reason)
        )

    async def nominations(
        self,
        *,
        status: str | None = None,
        account_id: str | None = None,
        nomination_id: int | None = None,
        managers: Managers,
    ) -> list[dict[str, Any]]:
        """Nominations of accounts in scope (`managers`), newest first."""
        query = (
            select(vip_nominations, accounts.c.name, accounts.c.net_revenue_12m, accounts.c.grade)
            .join(accounts, accounts.c.account_id == vip_nominations.c.account_id)
            .where(managed_by(accounts.c.account_manager, managers))
            .order_by(vip_nominations.c.nominated_at.desc(), vip_nominations.c.id.desc())
        )
        if status:
            query = query.where(vip_nominations.c.status == status)
        if account_id:
            query = query.where(vip_nominations.c.account_id == account_id)
        if nomination_id is not None:
            query = query.where(vip_nominations.c.id == nomination_id)
        return [dict(row) for row in (await self._session.execute(query)).mappings()]

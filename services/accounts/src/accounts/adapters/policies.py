"""Tier policies: versioned documents, exactly one active."""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import tier_policies
from accounts.domain.tier_policy import TierPolicy, policy_from_document, policy_to_document


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active(self) -> TierPolicy | None:
        row = (
            await self._session.execute(
                select(tier_policies.c.version, tier_policies.c.document).where(
                    tier_policies.c.status == "active"
                )
            )
        ).first()
        return policy_from_document(row.document, row.version) if row else None

    async def seed(self, policy: TierPolicy, *, at: datetime) -> None:
        """Store version 1 as the active policy unless some policy exists (idempotent)."""
        await self._session.execute(
            insert(tier_policies)
            .values(
                version=1,
                status="active",
                document=policy_to_document(policy),
                note="initial policy from the service settings",
                created_by="system",
                created_at=at,
                activated_by="system",
                activated_at=at,
            )
            .on_conflict_do_nothing()
        )

    async def get(self, version: int) -> dict[str, Any] | None:
        row = (
            (
                await self._session.execute(
                    select(tier_policies).where(tier_policies.c.version == version)
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def all_versions(self) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(tier_policies).order_by(tier_policies.c.version.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def add_draft(self, policy: TierPolicy, *, note: str, by: str, at: datetime) -> int:
        # Versions are numbered in order; the unique key makes a concurrent duplicate fail.
        version = (
            int(
                await self._session.scalar(
                    select(func.coalesce(func.max(tier_policies.c.version), 0))
                )
                or 0
            )
            + 1
        )
        await self._session.execute(
            tier_policies.insert().values(
                version=version,
                status="draft",
                document=policy_to_document(policy),
                note=note,
                created_by=by,
                created_at=at,
            )
        )
        return version

    async def activate(self, version: int, *, by: str, at: datetime) -> None:
        await self._session.execute(
            update(tier_policies)
            .where(tier_policies.c.status == "active")
            .values(status="retired", retired_at=at)
        )
        await self._session.execute(
            update(tier_policies)
            .where(tier_policies.c.version == version)
            .values(status="active", activated_by=by, activated_at=at)
        )

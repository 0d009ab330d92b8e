"""SLA policy versions; one of them is active."""

from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from complaints.adapters.documents import policy_document, policy_from_document
from complaints.adapters.tables import sla_policies
from complaints.domain.policy import SlaPolicy


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active(self) -> SlaPolicy | None:
        row = (
            await self._session.execute(select(sla_policies).where(sla_policies.c.active))
        ).first()
        return policy_from_document(row.version, row.document) if row else None

    async def get(self, version: int) -> SlaPolicy | None:
        row = (
            await self._session.execute(
                select(sla_policies).where(sla_policies.c.version == version)
            )
        ).first()
        return policy_from_document(row.version, row.document) if row else None

    async def next_version(self) -> int:
        # Two administrators publishing at once must not take the same number.
        await self._session.execute(text("LOCK TABLE sla_policies IN EXCLUSIVE MODE"))
        latest = await self._session.scalar(select(func.max(sla_policies.c.version)))
        return int(latest or 0) + 1

    async def add(self, policy: SlaPolicy, *, actor: str, activate: bool, now: datetime) -> None:
        if activate:
            await self._session.execute(
                update(sla_policies).where(sla_policies.c.active).values(active=False)
            )
        await self._session.execute(
            sla_policies.insert().values(
                version=policy.version,
                document=policy_document(policy),
                active=activate,
                created_at=now,
                created_by=actor,
            )
        )

    async def activate(self, version: int) -> bool:
        await self._session.execute(
            update(sla_policies).where(sla_policies.c.active).values(active=False)
        )
        result = await self._session.execute(
            update(sla_policies).where(sla_policies.c.version == version).values(active=True)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

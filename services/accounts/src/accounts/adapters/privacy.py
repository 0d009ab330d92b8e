"""Privacy records: consents to marketing contact, erasures and their per-service state, and
the audit of personal-data access across accounts."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import contact_consents, personal_data_access
from accounts.domain.privacy import Consent

# The most rows one CSV export of the audit holds (a narrower filter gets the rest).
AUDIT_EXPORT_LIMIT = 100_000


class PrivacyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_consent(self, consent: Consent) -> None:
        await self._session.execute(
            contact_consents.insert().values(
                account_id=consent.account_id,
                contact_id=consent.contact_id,
                state=consent.state,
                channel=consent.channel,
                recorded_by=consent.recorded_by,
                recorded_at=consent.recorded_at,
                note=consent.note,
            )
        )

    async def consents(self, account_id: str) -> list[dict[str, Any]]:
        """Every consent record of the account's contacts, newest first."""
        result = await self._session.execute(
            select(contact_consents)
            .where(contact_consents.c.account_id == account_id)
            .order_by(contact_consents.c.recorded_at.desc(), contact_consents.c.id.desc())
        )
        return [dict(row) for row in result.mappings()]

    @staticmethod
    def _audit_filter(
        account_id: str | None, actor: str | None, since: datetime | None, until: datetime | None
    ) -> list[ColumnElement[bool]]:
        log = personal_data_access.c
        conditions: list[ColumnElement[bool]] = []
        if account_id:
            conditions.append(log.account_id == account_id)
        if actor:
            conditions.append(func.upper(log.actor) == actor.upper())
        if since is not None:
            conditions.append(log.at >= since)
        if until is not None:
            conditions.append(log.at < until)
        return conditions

    async def audit(
        self,
        *,
        account_id: str | None,
        actor: str | None,
        since: datetime | None,
        until: datetime | None,
        offset: int,
        limit: int,
    ) -> tuple[list[dict[str, Any]], int]:
        """Reads and changes of personal data across accounts, newest first, and how many match."""
        conditions = self._audit_filter(account_id, actor, since, until)
        log = personal_data_access.c
        total = await self._session.scalar(
            select(func.count()).select_from(personal_data_access).where(*conditions)
        )
        result = await self._session.execute(
            select(personal_data_access)
            .where(*conditions)
            .order_by(log.at.desc(), log.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [dict(row) for row in result.mappings()], int(total or 0)

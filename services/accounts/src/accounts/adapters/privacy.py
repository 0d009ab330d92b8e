"""Privacy records: consents to marketing contact, erasures and their per-service state, and
the audit of personal-data access across accounts."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import contact_consents
from accounts.domain.privacy import Consent


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

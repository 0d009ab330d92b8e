"""Privacy records: consents to marketing contact, erasures and their per-service state, and
the audit of personal-data access across accounts."""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import (
    accounts,
    contact_consents,
    erasure_services,
    erasures,
    personal_data_access,
)
from accounts.domain.privacy import Consent, Erasure
from chassis.db import is_any_of

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

    async def clear_consent_notes(self, account_id: str, contact_ids: list[str]) -> None:
        await self._session.execute(
            update(contact_consents)
            .where(
                contact_consents.c.account_id == account_id,
                is_any_of(contact_consents.c.contact_id, contact_ids),
            )
            .values(note="")
        )

    async def add_erasure(self, erasure: Erasure, states: dict[str, datetime | None]) -> None:
        """The erasure and each service's state: done at the moment given, else pending."""
        await self._session.execute(
            erasures.insert().values(
                erasure_id=erasure.erasure_id,
                account_id=erasure.account_id,
                scope=erasure.scope,
                contact_ids=list(erasure.contact_ids),
                reason=erasure.reason,
                why=erasure.why,
                requested_by=erasure.requested_by,
                requested_at=erasure.requested_at,
            )
        )
        await self._session.execute(
            erasure_services.insert(),
            [
                {
                    "erasure_id": erasure.erasure_id,
                    "service": service,
                    "state": "pending" if at is None else "done",
                    "completed_at": at,
                }
                for service, at in states.items()
            ],
        )

    async def mark_done(self, erasure_id: str, service: str, at: datetime) -> None:
        """A service finished its part; a repeat, or a service the erasure does not wait for,
        changes nothing."""
        await self._session.execute(
            update(erasure_services)
            .where(
                erasure_services.c.erasure_id == erasure_id,
                erasure_services.c.service == service,
                erasure_services.c.state == "pending",
            )
            .values(state="done", completed_at=at)
        )

    async def erasures(
        self, *, account_id: str | None, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        """Erasures newest first, each with `services`: its services' states by name."""
        conditions = [erasures.c.account_id == account_id] if account_id else []
        total = await self._session.scalar(
            select(func.count()).select_from(erasures).where(*conditions)
        )
        rows = [
            dict(row)
            for row in (
                await self._session.execute(
                    select(erasures)
                    .where(*conditions)
                    .order_by(erasures.c.requested_at.desc(), erasures.c.erasure_id)
                    .offset(offset)
                    .limit(limit)
                )
            ).mappings()
        ]
        return await self._with_services(rows), int(total or 0)

    async def erasure(self, erasure_id: str) -> dict[str, Any] | None:
        row = (
            (
                await self._session.execute(
                    select(erasures).where(erasures.c.erasure_id == erasure_id)
                )
            )
            .mappings()
            .first()
        )
        return (await self._with_services([dict(row)]))[0] if row else None

    async def _with_services(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        states = await self._session.execute(
            select(erasure_services)
            .where(is_any_of(erasure_services.c.erasure_id, [r["erasure_id"] for r in rows]))
            .order_by(erasure_services.c.service)
        )
        by_erasure: dict[str, list[dict[str, Any]]] = {}
        for state in states.mappings():
            by_erasure.setdefault(state["erasure_id"], []).append(dict(state))
        return [{**row, "services": by_erasure.get(row["erasure_id"], [])} for row in rows]

    async def dormant_accounts(self, *, inactive_since: datetime, limit: int) -> list[str]:
        """Dormant accounts with no order (or, never ordering, no registration) since
        `inactive_since` whose contacts were not erased since then."""
        a = accounts.c
        last_active = func.coalesce(a.last_order_at, a.registered_at)
        erased_since = (
            select(erasures.c.erasure_id)
            .where(
                erasures.c.account_id == a.account_id,
                erasures.c.scope == "account",
                erasures.c.requested_at >= last_active,
            )
            .exists()
        )
        result = await self._session.execute(
            select(a.account_id)
            .where(a.lifecycle_stage == "dormant", last_active < inactive_since, ~erased_since)
            .order_by(a.account_id)
            .limit(limit)
        )
        return list(result.scalars())

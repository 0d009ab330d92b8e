"""Relationship cards: the current card, every version, reviews and the personal-data log."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import (
    card_reviews,
    card_versions,
    cards,
    key_dates_republish,
    personal_data_access,
)
from chassis.db import is_any_of


class CardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def current(self, account_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        query = select(cards).where(cards.c.account_id == account_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return dict(row) if row else None

    async def current_of(self, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The current cards of these accounts by account id, locked for update."""
        if not account_ids:
            return {}
        rows = await self._session.execute(
            select(cards).where(is_any_of(cards.c.account_id, list(account_ids))).with_for_update()
        )
        return {row["account_id"]: dict(row) for row in rows.mappings()}

    async def claim_key_dates_republish(self, limit: int) -> list[str]:
        """Take up to `limit` accounts off the one-off key dates queue (several workers share
        it); they are gone from it when the transaction commits."""
        pending = (
            select(key_dates_republish.c.account_id)
            .order_by(key_dates_republish.c.account_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = await self._session.execute(
            delete(key_dates_republish)
            .where(key_dates_republish.c.account_id.in_(pending.scalar_subquery()))
            .returning(key_dates_republish.c.account_id)
        )
        return sorted(claimed.scalars())

    async def as_of(self, account_id: str, at: datetime) -> dict[str, Any] | None:
        """The version in force at `at`: the last one saved at or before it."""
        row = (
            (
                await self._session.execute(
                    select(card_versions)
                    .where(
                        card_versions.c.account_id == account_id, card_versions.c.changed_at <= at
                    )
                    .order_by(card_versions.c.version.desc())
                    .limit(1)
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def versions(self, account_id: str) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(card_versions)
            .where(card_versions.c.account_id == account_id)
            .order_by(card_versions.c.version.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def save(
        self,
        *,
        account_id: str,
        version: int,
        content: dict[str, Any],
        changes: list[dict[str, str]],
        by: str,
        at: datetime,
    ) -> None:
        statement = insert(cards).values(
            account_id=account_id, version=version, content=content, updated_by=by, updated_at=at
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[cards.c.account_id],
                set_={
                    "version": statement.excluded.version,
                    "content": statement.excluded.content,
                    "updated_by": statement.excluded.updated_by,
                    "updated_at": statement.excluded.updated_at,
                },
            )
        )
        await self._session.execute(
            card_versions.insert().values(
                account_id=account_id,
                version=version,
                changed_by=by,
                changed_at=at,
                content=content,
                changes=changes,
            )
        )

    async def rewrite(
        self,
        account_id: str,
        *,
        current: dict[str, Any] | None,
        versions: dict[int, tuple[dict[str, Any], list[dict[str, Any]]]],
    ) -> None:
        """Replace the stored content of the current card and of past versions in place (an
        erasure: the history keeps its shape, not the erased data). `versions` maps a version
        number to its new content and changes."""
        if current is not None:
            await self._session.execute(
                update(cards).where(cards.c.account_id == account_id).values(content=current)
            )
        for version, (content, changes) in versions.items():
            await self._session.execute(
                update(card_versions)
                .where(card_versions.c.account_id == account_id, card_versions.c.version == version)
                .values(content=content, changes=changes)
            )

    async def clear_review_notes(self, account_id: str) -> None:
        await self._session.execute(
            update(card_reviews).where(card_reviews.c.account_id == account_id).values(note="")
        )

    async def add_review(self, *, account_id: str, by: str, at: datetime, note: str) -> None:
        await self._session.execute(
            card_reviews.insert().values(
                account_id=account_id, reviewed_by=by, reviewed_at=at, note=note
            )
        )

    async def reviews(self, account_id: str) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(card_reviews)
            .where(card_reviews.c.account_id == account_id)
            .order_by(card_reviews.c.reviewed_at.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def log_access(
        self, *, account_id: str, actor: str, action: str, what: str, purpose: str, at: datetime
    ) -> None:
        await self._session.execute(
            personal_data_access.insert().values(
                account_id=account_id, actor=actor, action=action, what=what, purpose=purpose, at=at
            )
        )

    async def access_log(self, account_id: str, limit: int) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(personal_data_access)
            .where(personal_data_access.c.account_id == account_id)
            .order_by(personal_data_access.c.at.desc(), personal_data_access.c.id.desc())
            .limit(limit)
        )
        return [dict(row) for row in result.mappings()]

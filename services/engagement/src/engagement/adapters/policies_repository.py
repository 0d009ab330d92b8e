"""Versioned cadence policies and the working-day calendar."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.adapters.tables import cadence_policies, calendar_days
from engagement.domain.cadence import DEFAULT_POLICY, CadencePolicy
from engagement.domain.calendar import (
    CHINA_ADJUSTED_WORKING_DAYS,
    CHINA_PUBLIC_HOLIDAYS,
    Holiday,
    WorkingCalendar,
)


class PolicyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active(self) -> CadencePolicy:
        """The active cadence policy; the default (version 1) until one is activated."""
        row = (
            await self._session.execute(
                select(cadence_policies.c.version, cadence_policies.c.data).where(
                    cadence_policies.c.state == "active"
                )
            )
        ).first()
        return CadencePolicy.from_data(row.version, row.data) if row else DEFAULT_POLICY

    async def all(self) -> list[dict[str, Any]]:
        rows = await self._session.execute(
            select(cadence_policies).order_by(cadence_policies.c.version.desc())
        )
        return [dict(row._mapping) for row in rows]

    async def get(self, version: int, *, for_update: bool = False) -> dict[str, Any] | None:
        statement = select(cadence_policies).where(cadence_policies.c.version == version)
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return dict(row._mapping) if row else None

    async def add_draft(self, policy: CadencePolicy, *, actor: str, at: datetime) -> int:
        """Store a draft; its version is one more than any stored or the default's."""
        latest = await self._session.scalar(select(func.max(cadence_policies.c.version)))
        version = max(latest or 0, DEFAULT_POLICY.version) + 1
        await self._session.execute(
            cadence_policies.insert().values(
                version=version,
                data=policy.to_data(),
                state="draft",
                created_by=actor,
                created_at=at,
            )
        )
        return version

    async def activate(self, version: int, *, at: datetime) -> None:
        await self._session.execute(
            update(cadence_policies)
            .where(cadence_policies.c.state == "active")
            .values(state="retired")
        )
        await self._session.execute(
            update(cadence_policies)
            .where(cadence_policies.c.version == version)
            .values(state="active", activated_at=at)
        )

    async def holidays(self) -> list[Holiday]:
        """The configured public holidays; China's until the calendar is set."""
        rows = (await self._session.execute(select(calendar_days))).all()
        if not rows:
            return list(CHINA_PUBLIC_HOLIDAYS)
        return [Holiday(row.on, row.name) for row in rows if row.kind == "holiday"]

    async def calendar(self) -> WorkingCalendar:
        rows = (await self._session.execute(select(calendar_days))).all()
        if not rows:
            return WorkingCalendar(
                holidays=frozenset(holiday.on for holiday in CHINA_PUBLIC_HOLIDAYS),
                working_weekends=CHINA_ADJUSTED_WORKING_DAYS,
            )
        return WorkingCalendar(
            holidays=frozenset(row.on for row in rows if row.kind == "holiday"),
            working_weekends=frozenset(row.on for row in rows if row.kind == "working_day"),
        )

    async def set_calendar(self, holidays: list[Holiday], working_days: list[date]) -> None:
        """Replace the calendar: its holidays and the weekend days worked instead."""
        await self._session.execute(calendar_days.delete())
        rows = [{"on": h.on, "kind": "holiday", "name": h.name} for h in holidays] + [
            {"on": day, "kind": "working_day", "name": ""} for day in working_days
        ]
        if rows:
            await self._session.execute(calendar_days.insert(), rows)

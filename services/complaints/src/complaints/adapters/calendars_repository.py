"""Business calendars."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import upsert_statement
from complaints.adapters.documents import calendar_from_document, calendar_holidays, calendar_week
from complaints.adapters.tables import calendars
from complaints.domain.calendar import BusinessCalendar


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> dict[str, BusinessCalendar]:
        result = await self._session.execute(select(calendars).order_by(calendars.c.name))
        return {
            row.name: calendar_from_document(
                name=row.name,
                version=row.version,
                time_zone=row.time_zone,
                week=row.week,
                holidays=row.holidays,
            )
            for row in result
        }

    async def lock(self, name: str) -> None:
        """Serialise edits of one calendar."""
        await self._session.execute(
            select(calendars.c.name).where(calendars.c.name == name).with_for_update()
        )

    async def save(self, calendar: BusinessCalendar, *, actor: str, now: datetime) -> None:
        row = {
            "name": calendar.name,
            "version": calendar.version,
            "time_zone": calendar.time_zone,
            "week": calendar_week(calendar),
            "holidays": calendar_holidays(calendar),
            "updated_at": now,
            "updated_by": actor,
        }
        await self._session.execute(upsert_statement(calendars, [row], ["name"]), [row])

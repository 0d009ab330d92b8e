"""Periodic evaluation reports: one row per report, one line per account."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import evaluation_report_lines, evaluation_reports
from accounts.domain.scope import Managers
from chassis.db import managed_by


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def exists(self, period: str) -> bool:
        found = await self._session.scalar(
            select(evaluation_reports.c.id).where(evaluation_reports.c.period == period)
        )
        return found is not None

    async def add(self, report: dict[str, Any], lines: Sequence[dict[str, Any]]) -> int:
        report_id: int = await self._session.scalar(
            evaluation_reports.insert().values(report).returning(evaluation_reports.c.id)
        )
        if lines:
            await self._session.execute(
                evaluation_report_lines.insert(),
                [{**line, "report_id": report_id} for line in lines],
            )
        return report_id

    async def all_reports(self) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(evaluation_reports).order_by(
                evaluation_reports.c.period_end.desc(), evaluation_reports.c.id.desc()
            )
        )
        return [dict(row) for row in result.mappings()]

    async def get(self, report_id: int) -> dict[str, Any] | None:
        row = (
            (
                await self._session.execute(
                    select(evaluation_reports).where(evaluation_reports.c.id == report_id)
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def lines(
        self, report_id: int, account_id: str | None = None, *, managers: Managers
    ) -> list[dict[str, Any]]:
        """The report's lines of accounts in scope: by their manager at the period's end."""
        query = (
            select(evaluation_report_lines)
            .where(
                evaluation_report_lines.c.report_id == report_id,
                managed_by(evaluation_report_lines.c.account_manager, managers),
            )
            .order_by(evaluation_report_lines.c.score.desc(), evaluation_report_lines.c.account_id)
        )
        if account_id is not None:
            query = query.where(evaluation_report_lines.c.account_id == account_id)
        return [dict(row) for row in (await self._session.execute(query)).mappings()]

    async def review(self, report_id: int, *, by: str, at: datetime, note: str) -> None:
        await self._session.execute(
            update(evaluation_reports)
            .where(evaluation_reports.c.id == report_id)
            .values(reviewed_by=by, reviewed_at=at, review_note=note)
        )

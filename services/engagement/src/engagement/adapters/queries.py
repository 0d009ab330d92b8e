"""Read-side queries for boards, account plans and target progress (no locks, no writes)."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.auth import Managers
from chassis.db import is_any_of, managed_by
from engagement.adapters.tables import (
    accounts,
    contact_consents,
    feedback,
    key_dates,
    orders,
    plan_items,
    reschedules,
    returns,
    targets,
    visits,
)
from engagement.domain.plan import OPEN_STATES

_BOARD_COLUMNS = (
    plan_items.c.item_id,
    plan_items.c.account_id,
    plan_items.c.owner,
    plan_items.c.kind,
    plan_items.c.origin,
    plan_items.c.state,
    plan_items.c.due_on,
    plan_items.c.window_start,
    plan_items.c.window_end,
    plan_items.c.note,
    plan_items.c.reschedule_count,
    plan_items.c.visit_id,
    # A care touch's trigger names the card contact or date it is for.
    plan_items.c.trigger,
    accounts.c.name.label("account_name"),
    accounts.c.grade,
    accounts.c.value_class,
    accounts.c.vip,
    accounts.c.reschedule_count.label("account_reschedule_count"),
)


class EngagementQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def board_items(
        self, *, owners: Sequence[str], start: date, end: date, overdue_since: date
    ) -> list[dict[str, Any]]:
        """The owners' items due from `start` to `end`, and the overdue ones (missed, or
        open and due before `start`) due since `overdue_since`."""
        if not owners:
            return []
        due_in_range = plan_items.c.due_on.between(start, end)
        overdue = and_(
            plan_items.c.due_on >= overdue_since,
            plan_items.c.due_on < start,
            is_any_of(plan_items.c.state, [*OPEN_STATES, "missed"]),
        )
        rows = await self._session.execute(
            select(*_BOARD_COLUMNS)
            .join(accounts, accounts.c.account_id == plan_items.c.account_id)
            .where(is_any_of(plan_items.c.owner, list(owners)), or_(due_in_range, overdue))
            .order_by(plan_items.c.due_on, accounts.c.name, plan_items.c.item_id)
        )
        return [dict(row._mapping) for row in rows]

    async def withdrawn_dates(
        self, *, owners: Sequence[str] | None = None, account_id: str | None = None
    ) -> list[dict[str, Any]]:
        """The yearly dates of card contacts whose consent is withdrawn, of the owners'
        registered accounts or of one account, with the account's name and since when."""
        conditions = [contact_consents.c.state == "withdrawn", accounts.c.registered]
        if owners is not None:
            conditions.append(is_any_of(accounts.c.manager, list(owners)))
        if account_id is not None:
            conditions.append(accounts.c.account_id == account_id)
        rows = await self._session.execute(
            select(
                key_dates.c.account_id,
                accounts.c.name.label("account_name"),
                key_dates.c.reference.label("contact_reference"),
                key_dates.c.kind.label("origin"),
                key_dates.c.month,
                key_dates.c.day,
                contact_consents.c.changed_at.label("withdrawn_at"),
            )
            .join(
                contact_consents,
                and_(
                    contact_consents.c.account_id == key_dates.c.account_id,
                    contact_consents.c.contact_reference == key_dates.c.reference,
                ),
            )
            .join(accounts, accounts.c.account_id == key_dates.c.account_id)
            .where(*conditions)
        )
        return [dict(row._mapping) for row in rows]

    async def completion(
        self, *, owners: Sequence[str], start: date, end: date
    ) -> dict[str, tuple[int, int]]:
        """Per owner: (items planned, items done) due from `start` to `end`; cancelled ones do
        not count as planned."""
        if not owners:
            return {}
        rows = await self._session.execute(
            select(
                plan_items.c.owner,
                func.count().filter(plan_items.c.state != "cancelled"),
                func.count().filter(plan_items.c.state == "done"),
            )
            .where(
                is_any_of(plan_items.c.owner, list(owners)),
                plan_items.c.due_on.between(start, end),
            )
            .group_by(plan_items.c.owner)
        )
        found = {owner: (0, 0) for owner in owners}
        for owner, planned, done in rows:
            found[owner] = (int(planned), int(done))
        return found

    async def targets(self, *, managers: Sequence[str], month: date) -> dict[str, dict[str, Any]]:
        if not managers:
            return {}
        rows = await self._session.execute(
            select(targets).where(
                is_any_of(targets.c.manager, list(managers)), targets.c.month == month
            )
        )
        return {row.manager: dict(row._mapping) for row in rows}

    async def actuals_by_day(self, *, manager: str, start: date, end: date) -> dict[date, Decimal]:
        """Net sales per day of the accounts the manager has now: orders placed (a cancelled
        order counts nothing) minus returns, on the day each happened."""
        managed = select(accounts.c.account_id).where(accounts.c.manager == manager)
        placed = (
            select(orders.c.placed_on.label("day"), func.sum(orders.c.total).label("amount"))
            .where(
                orders.c.account_id.in_(managed),
                orders.c.placed_on.between(start, end),
                orders.c.cancelled_on.is_(None),
            )
            .group_by(orders.c.placed_on)
        )
        returned = (
            select(
                returns.c.returned_on.label("day"), (-func.sum(returns.c.amount)).label("amount")
            )
            .where(returns.c.account_id.in_(managed), returns.c.returned_on.between(start, end))
            .group_by(returns.c.returned_on)
        )
        totals: dict[date, Decimal] = {}
        for statement in (placed, returned):
            for day, amount in await self._session.execute(statement):
                totals[day] = totals.get(day, Decimal(0)) + Decimal(amount)
        return totals

    async def account(self, account_id: str, *, managers: Managers) -> dict[str, Any] | None:
        """The account, when its manager is one of `managers` (None: anyone's)."""
        row = (
            await self._session.execute(
                select(accounts).where(
                    accounts.c.account_id == account_id, managed_by(accounts.c.manager, managers)
                )
            )
        ).first()
        return dict(row._mapping) if row else None

    async def account_items(self, account_id: str, *, since: date) -> list[dict[str, Any]]:
        rows = await self._session.execute(
            select(*_BOARD_COLUMNS)
            .join(accounts, accounts.c.account_id == plan_items.c.account_id)
            .where(
                plan_items.c.account_id == account_id,
                or_(
                    plan_items.c.due_on >= since,
                    is_any_of(plan_items.c.state, list(OPEN_STATES)),
                ),
            )
            .order_by(plan_items.c.due_on, plan_items.c.item_id)
        )
        return [dict(row._mapping) for row in rows]

    async def item(self, item_id: str, *, managers: Managers) -> dict[str, Any] | None:
        """The item with its reschedules, when its owner is one of `managers`."""
        row = (
            await self._session.execute(
                select(
                    *_BOARD_COLUMNS,
                    plan_items.c.replaced_by,
                    plan_items.c.cancelled_by,
                )
                .join(accounts, accounts.c.account_id == plan_items.c.account_id)
                .where(plan_items.c.item_id == item_id, managed_by(plan_items.c.owner, managers))
            )
        ).first()
        if row is None:
            return None
        moves = await self._session.execute(
            select(reschedules).where(reschedules.c.item_id == item_id).order_by(reschedules.c.id)
        )
        return {**row._mapping, "reschedules": [dict(move._mapping) for move in moves]}

    async def visits(
        self, *, account_id: str | None = None, manager: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        statement = select(visits, accounts.c.name.label("account_name")).join(
            accounts, accounts.c.account_id == visits.c.account_id
        )
        if account_id is not None:
            statement = statement.where(visits.c.account_id == account_id)
        if manager is not None:
            statement = statement.where(visits.c.manager == manager)
        rows = await self._session.execute(
            statement.order_by(visits.c.occurred_on.desc(), visits.c.logged_at.desc()).limit(limit)
        )
        return [dict(row._mapping) for row in rows]

    async def feedback(self, *, account_id: str, limit: int = 50) -> list[dict[str, Any]]:
        rows = await self._session.execute(
            select(feedback)
            .where(feedback.c.account_id == account_id)
            .order_by(feedback.c.responded_at.desc())
            .limit(limit)
        )
        return [dict(row._mapping) for row in rows]

    async def managers(self, *, managers: Managers) -> list[str]:
        """Every manager in scope who has accounts, by id."""
        rows = await self._session.scalars(
            select(accounts.c.manager)
            .where(
                accounts.c.manager.is_not(None),
                accounts.c.registered,
                managed_by(accounts.c.manager, managers),
            )
            .distinct()
            .order_by(accounts.c.manager)
        )
        return list(rows)

    async def plan_counts(self) -> dict[str, int]:
        """Items by state, for the metrics."""
        rows = await self._session.execute(
            select(plan_items.c.state, func.count()).group_by(plan_items.c.state)
        )
        return {state: int(count) for state, count in rows}

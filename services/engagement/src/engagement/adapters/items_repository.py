"""Plan items: load, add exactly once per trigger, save their changes and reschedules."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, String, bindparam, column, func, select, update, values
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.auth import Managers
from chassis.db import is_any_of, managed_by
from engagement.adapters.tables import plan_items, reschedules
from engagement.domain.events import ItemRescheduled
from engagement.domain.plan import OPEN_STATES, Origin, PlanItem

# The columns a change may touch (identity, origin and trigger never change).
_MUTABLE = (
    "owner",
    "state",
    "due_on",
    "window_start",
    "window_end",
    "reschedule_count",
    "visit_id",
    "replaced_by",
    "cancelled_by",
    "done_at",
)


def _item(row: Row[Any]) -> PlanItem:
    return PlanItem(
        item_id=row.item_id,
        account_id=row.account_id,
        owner=row.owner,
        kind=row.kind,
        origin=row.origin,
        due_on=row.due_on,
        window_start=row.window_start,
        window_end=row.window_end,
        state=row.state,
        policy_version=row.policy_version,
        trigger=row.trigger,
        note=row.note,
        reschedule_count=row.reschedule_count,
        visit_id=row.visit_id,
        replaced_by=row.replaced_by,
        cancelled_by=row.cancelled_by,
        done_at=row.done_at,
    )


def _row(item: PlanItem) -> dict[str, Any]:
    return {
        "item_id": item.item_id,
        "account_id": item.account_id,
        "owner": item.owner,
        "kind": item.kind,
        "origin": item.origin,
        "state": item.state,
        "due_on": item.due_on,
        "window_start": item.window_start,
        "window_end": item.window_end,
        "policy_version": item.policy_version,
        "trigger": item.trigger,
        "note": item.note,
        "reschedule_count": item.reschedule_count,
        "visit_id": item.visit_id,
        "replaced_by": item.replaced_by,
        "cancelled_by": item.cancelled_by,
        "done_at": item.done_at,
    }


class ItemRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(
        self, item_id: str, *, managers: Managers, for_update: bool = False
    ) -> PlanItem | None:
        """The item, when its owner is one of `managers` (None: anyone's)."""
        statement = select(plan_items).where(
            plan_items.c.item_id == item_id, managed_by(plan_items.c.owner, managers)
        )
        if for_update:
            statement = statement.with_for_update()
        row = (await self._session.execute(statement)).first()
        return _item(row) if row is not None else None

    async def open_of(self, account_ids: Iterable[str]) -> dict[str, list[PlanItem]]:
        """Each account's open and missed items, by due day (the caller holds the accounts'
        locks, so nobody else changes them meanwhile)."""
        wanted = list(set(account_ids))
        found: dict[str, list[PlanItem]] = {account_id: [] for account_id in wanted}
        if wanted:
            rows = await self._session.execute(
                select(plan_items)
                .where(
                    is_any_of(plan_items.c.account_id, wanted),
                    is_any_of(plan_items.c.state, [*OPEN_STATES, "missed"]),
                )
                .order_by(plan_items.c.due_on, plan_items.c.item_id)
            )
            for row in rows:
                found[row.account_id].append(_item(row))
        return found

    async def accounts_with_open(self, origin: Origin) -> set[str]:
        """The accounts with an open item of this origin."""
        rows = await self._session.scalars(
            select(plan_items.c.account_id)
            .where(
                plan_items.c.origin == origin,
                is_any_of(plan_items.c.state, list(OPEN_STATES)),
            )
            .distinct()
        )
        return set(rows)

    async def declined_cadence_days(
        self, account_ids: Iterable[str], *, since: date
    ) -> dict[str, set[date]]:
        """Each account's days, from `since`, of cadence visits the customer cancelled."""
        wanted = list(set(account_ids))
        found: dict[str, set[date]] = {account_id: set() for account_id in wanted}
        if wanted:
            rows = await self._session.execute(
                select(plan_items.c.account_id, plan_items.c.due_on).where(
                    is_any_of(plan_items.c.account_id, wanted),
                    plan_items.c.origin == "cadence",
                    plan_items.c.state == "cancelled",
                    plan_items.c.cancelled_by == "customer",
                    plan_items.c.due_on >= since,
                )
            )
            for account_id, due_on in rows:
                found[account_id].add(due_on)
        return found

    async def add(self, items: Sequence[PlanItem]) -> list[PlanItem]:
        """Insert new items; one whose (account, origin, trigger) exists already is not added.
        Returns the items actually added."""
        if not items:
            return []
        # One statement compiled once and sent as executemany: SQLAlchemy batches the rows into
        # multi-row INSERTs under asyncpg's parameter limit ("insertmanyvalues"), where building
        # a VALUES list of thousands of rows compiled a new statement every batch.
        added = set(
            await self._session.scalars(
                insert(plan_items).on_conflict_do_nothing().returning(plan_items.c.item_id),
                [_row(item) for item in items],
            )
        )
        return [item for item in items if item.item_id in added]

    async def save(self, items: Sequence[PlanItem], *, now: datetime) -> None:
        """Write the changes of loaded items, and the reschedules among their events."""
        if items:
            # One statement for every changed item (executemany).
            statement = (
                update(plan_items)
                .where(plan_items.c.item_id == bindparam("b_item_id"))
                .values({name: bindparam(f"b_{name}") for name in (*_MUTABLE, "updated_at")})
            )
            await self._session.execute(
                statement,
                [
                    {
                        "b_item_id": item.item_id,
                        "b_updated_at": now,
                        **{f"b_{name}": getattr(item, name) for name in _MUTABLE},
                    }
                    for item in items
                ],
            )
        moves = [
            {
                "item_id": item.item_id,
                "account_id": item.account_id,
                "previous_due_on": event.previous_due_on,
                "due_on": item.due_on,
                "requested_by": event.requested_by,
                "reason": event.reason,
                "actor": event.actor,
                "at": event.at,
            }
            for item in items
            for event in item.events
            if isinstance(event, ItemRescheduled)
        ]
        if moves:
            await self._session.execute(reschedules.insert(), moves)

    async def reassign(self, owners: Mapping[str, str | None]) -> dict[str, list[str]]:
        """Give each account's open items to its manager (`owners`: account -> manager), in one
        statement for the batch; returns the ids moved, by account (none: left out)."""
        if not owners:
            return {}
        wanted = values(column("account_id", String), column("owner", String), name="wanted").data(
            list(owners.items())
        )
        rows = await self._session.execute(
            update(plan_items)
            .where(
                plan_items.c.account_id == wanted.c.account_id,
                is_any_of(plan_items.c.state, [*OPEN_STATES, "missed"]),
                plan_items.c.owner.is_distinct_from(wanted.c.owner),
            )
            .values(owner=wanted.c.owner, updated_at=func.now())
            .returning(plan_items.c.account_id, plan_items.c.item_id)
        )
        moved: dict[str, list[str]] = {}
        for account_id, item_id in rows:
            moved.setdefault(account_id, []).append(item_id)
        return {account_id: sorted(item_ids) for account_id, item_ids in moved.items()}

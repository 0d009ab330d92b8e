"""Bulk reads and writes of the accounts schema. One statement per kind of change per batch."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts, order_returns, orders, tier_decisions
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced, OrderReturned


@dataclass(frozen=True)
class StoredClassification:
    account_id: str
    order_count_12m: int
    net_revenue_12m: Decimal
    value_class: str
    frequency_class: str
    classified_at: datetime | None


class AccountsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_accounts(self, account_ids: Iterable[str]) -> None:
        """Serialise work on the same accounts across worker copies (transaction-scoped)."""
        ids = sorted(set(account_ids))
        if ids:
            await self._session.execute(
                text(
                    "SELECT pg_advisory_xact_lock(k) FROM "
                    "(SELECT DISTINCT hashtext(id) AS k FROM unnest(CAST(:ids AS text[])) AS id "
                    "ORDER BY k) AS keys"
                ),
                {"ids": ids},
            )

    async def upsert_customers(self, customers: Sequence[CustomerUpserted]) -> set[str]:
        """Insert or update from master data (older updates never win); returns new account ids."""
        if not customers:
            return set()
        statement = insert(accounts).values(
            [
                {
                    "account_id": c.customer_id,
                    "name": c.name,
                    "region": c.region,
                    "country": c.country,
                    "segment": c.segment,
                    "address": c.address,
                    "account_manager": c.account_manager,
                    "erp_updated_at": c.updated_at,
                }
                for c in customers
            ]
        )
        excluded = statement.excluded
        upsert = statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={
                column: excluded[column]
                for column in (
                    "name",
                    "region",
                    "country",
                    "segment",
                    "address",
                    "account_manager",
                    "erp_updated_at",
                )
            },
            where=accounts.c.erp_updated_at <= excluded.erp_updated_at,
        ).returning(accounts.c.account_id, literal_column("xmax = 0").label("inserted"))
        result = await self._session.execute(upsert)
        return {row.account_id for row in result if row.inserted}

    async def record_placed_orders(self, placed: Sequence[OrderPlaced]) -> None:
        if not placed:
            return
        statement = insert(orders).values(
            [
                {
                    "order_id": o.order_id,
                    "customer_id": o.customer_id,
                    "placed_at": o.placed_at,
                    "currency": o.currency,
                    "total": o.total,
                }
                for o in placed
            ]
        )
        excluded = statement.excluded
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[orders.c.order_id],
                set_={
                    "customer_id": excluded.customer_id,
                    "placed_at": excluded.placed_at,
                    "currency": excluded.currency,
                    "total": excluded.total,
                },
            )
        )

    async def record_cancellations(self, cancelled: Sequence[OrderCancelled]) -> None:
        if not cancelled:
            return
        statement = insert(orders).values(
            [
                {
                    "order_id": c.order_id,
                    "customer_id": c.customer_id,
                    "cancelled_at": c.cancelled_at,
                }
                for c in cancelled
            ]
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[orders.c.order_id],
                set_={
                    "cancelled_at": func.coalesce(
                        orders.c.cancelled_at, statement.excluded.cancelled_at
                    )
                },
            )
        )

    async def record_returns(self, returned: Sequence[OrderReturned]) -> None:
        if not returned:
            return
        await self._session.execute(
            insert(order_returns)
            .values(
                [
                    {
                        "order_id": r.order_id,
                        "returned_at": r.returned_at,
                        "customer_id": r.customer_id,
                        "amount": r.amount,
                    }
                    for r in returned
                ]
            )
            .on_conflict_do_nothing()
        )

    async def trailing_figures(
        self, account_ids: Iterable[str], *, window_start: datetime
    ) -> dict[str, tuple[int, Decimal]]:
        """Per account: orders placed since window_start, not cancelled, net of returns.

        An order returned in full no longer counts as an order.
        """
        returned = (
            select(order_returns.c.order_id, func.sum(order_returns.c.amount).label("amount"))
            .group_by(order_returns.c.order_id)
            .subquery()
        )
        net = func.greatest(orders.c.total - func.coalesce(returned.c.amount, 0), 0)
        per_order = (
            select(orders.c.customer_id, net.label("net"))
            .select_from(orders.outerjoin(returned, returned.c.order_id == orders.c.order_id))
            .where(
                orders.c.customer_id.in_(list(set(account_ids))),
                orders.c.placed_at >= window_start,
                orders.c.cancelled_at.is_(None),
            )
            .subquery()
        )
        result = await self._session.execute(
            select(
                per_order.c.customer_id,
                func.count().filter(per_order.c.net > 0),
                func.coalesce(func.sum(per_order.c.net), 0),
            ).group_by(per_order.c.customer_id)
        )
        return {row[0]: (int(row[1]), Decimal(row[2])) for row in result}

    async def stored_classifications(
        self, account_ids: Iterable[str]
    ) -> list[StoredClassification]:
        result = await self._session.execute(
            select(
                accounts.c.account_id,
                accounts.c.order_count_12m,
                accounts.c.net_revenue_12m,
                accounts.c.value_class,
                accounts.c.frequency_class,
                accounts.c.classified_at,
            ).where(accounts.c.account_id.in_(list(set(account_ids))))
        )
        return [StoredClassification(*row) for row in result]

    async def save_figures(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store recomputed figures and classes, one row per account (executemany)."""
        if not rows:
            return
        await self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == bindparam("b_account_id"))
            .values(
                order_count_12m=bindparam("order_count_12m"),
                net_revenue_12m=bindparam("net_revenue_12m"),
                value_class=bindparam("value_class"),
                frequency_class=bindparam("frequency_class"),
                classified_at=bindparam("classified_at"),
            )
            .execution_options(synchronize_session=False),
            [{**row, "b_account_id": row["account_id"]} for row in rows],
        )

    async def add_tier_decisions(self, decisions: Sequence[dict[str, Any]]) -> None:
        if decisions:
            await self._session.execute(tier_decisions.insert(), list(decisions))


ACCOUNT_FILTERS = (
    "region",
    "country",
    "segment",
    "account_manager",
    "value_class",
    "frequency_class",
)
SORTABLE = {
    "name": accounts.c.name,
    "account_id": accounts.c.account_id,
    "region": accounts.c.region,
    "segment": accounts.c.segment,
    "net_revenue_12m": accounts.c.net_revenue_12m,
    "order_count_12m": accounts.c.order_count_12m,
    "value_class": accounts.c.value_class,
    "frequency_class": accounts.c.frequency_class,
}


class AccountQueries:
    """Read side for the API and pages."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str) -> dict[str, Any] | None:
        row = (
            (
                await self._session.execute(
                    select(accounts).where(accounts.c.account_id == account_id)
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def tier_history(self, account_id: str) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(tier_decisions)
            .where(tier_decisions.c.account_id == account_id)
            .order_by(tier_decisions.c.decided_at.desc(), tier_decisions.c.id.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def search(
        self,
        *,
        filters: dict[str, str | None],
        text_query: str | None,
        sort: str,
        descending: bool,
        page: int,
        page_size: int,
    ) -> tuple[list[dict[str, Any]], int]:
        conditions = [accounts.c[name] == value for name, value in filters.items() if value]
        if text_query:
            pattern = f"%{text_query}%"
            conditions.append(accounts.c.name.ilike(pattern) | accounts.c.account_id.ilike(pattern))
        where = and_(True, *conditions)
        total = await self._session.scalar(select(func.count()).select_from(accounts).where(where))
        order = SORTABLE[sort].desc() if descending else SORTABLE[sort].asc()
        query: Select[Any] = (
            select(accounts)
            .where(where)
            .order_by(order, accounts.c.account_id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        rows = (await self._session.execute(query)).mappings().all()
        return [dict(row) for row in rows], int(total or 0)

    async def distinct_values(self, column: str) -> list[str]:
        result = await self._session.execute(
            select(accounts.c[column])
            .where(accounts.c[column].is_not(None))
            .distinct()
            .order_by(accounts.c[column])
        )
        return [value for value in result.scalars()]

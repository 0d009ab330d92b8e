"""ERP master data and orders, merged in bulk: one statement per kind of change per batch."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY, Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import accounts, order_returns, orders
from chassis.db import is_any_of
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced, OrderReturned

MASTER_FIELDS = ("name", "region", "country", "segment", "address", "account_manager")


@dataclass(frozen=True)
class MasterDataChange:
    """An existing account whose ERP master data changed, and its referral (unchanged)."""

    changed_fields: list[str]
    referred_by: str | None
    priority_lead: bool


class ErpRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def upsert_customers(
        self, customers: Sequence[CustomerUpserted]
    ) -> tuple[set[str], dict[str, MasterDataChange]]:
        """Insert or update from master data (older updates never win).

        Returns the new account ids, and per updated account the master fields that changed.
        A prospect registered by a manager under the same id becomes an ERP account.
        """
        if not customers:
            return set(), {}
        ids = [c.customer_id for c in customers]
        before = {
            row.account_id: row
            for row in await self._session.execute(
                select(
                    accounts.c.account_id,
                    accounts.c.referred_by,
                    accounts.c.priority_lead,
                    *[accounts.c[f] for f in MASTER_FIELDS],
                ).where(is_any_of(accounts.c.account_id, ids))
            )
        }
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
                **{column: excluded[column] for column in (*MASTER_FIELDS, "erp_updated_at")},
                "origin": "erp",
            },
            where=accounts.c.erp_updated_at <= excluded.erp_updated_at,
        ).returning(accounts.c.account_id, literal_column("xmax = 0").label("inserted"))
        result = await self._session.execute(upsert)
        written = {row.account_id: row.inserted for row in result}
        by_id = {c.customer_id: c for c in customers}
        changed: dict[str, MasterDataChange] = {}
        for account_id, inserted in written.items():
            old = before.get(account_id)
            if inserted or old is None:
                continue
            fields = [f for f in MASTER_FIELDS if getattr(old, f) != getattr(by_id[account_id], f)]
            if fields:
                changed[account_id] = MasterDataChange(fields, old.referred_by, old.priority_lead)
        return {i for i, inserted in written.items() if inserted}, changed

    async def record_placed_orders(self, placed: Sequence[OrderPlaced]) -> None:
        if not placed:
            return
        statement = _insert_rows(
            orders,
            {
                "order_id": [o.order_id for o in placed],
                "customer_id": [o.customer_id for o in placed],
                "placed_at": [o.placed_at for o in placed],
                "currency": [o.currency for o in placed],
                "total": [o.total for o in placed],
            },
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
        statement = _insert_rows(
            orders,
            {
                "order_id": [c.order_id for c in cancelled],
                "customer_id": [c.customer_id for c in cancelled],
                "cancelled_at": [c.cancelled_at for c in cancelled],
            },
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
            _insert_rows(
                order_returns,
                {
                    "order_id": [r.order_id for r in returned],
                    "returned_at": [r.returned_at for r in returned],
                    "customer_id": [r.customer_id for r in returned],
                    "amount": [r.amount for r in returned],
                },
            ).on_conflict_do_nothing()
        )


def _insert_rows(table: Table, columns: dict[str, list[Any]]) -> Insert:
    """`INSERT ... SELECT unnest(:column_1), unnest(:column_2), ...`: one array parameter per
    column however many rows, so the statement is compiled once and cached. A multi-row VALUES
    (one parameter per value) was compiled anew for every batch, the largest cost of ingest."""
    arrays = [
        func.unnest(bindparam(f"rows_{name}", values, type_=ARRAY(table.c[name].type)))
        for name, values in columns.items()
    ]
    return insert(table).from_select(list(columns), select(*arrays))

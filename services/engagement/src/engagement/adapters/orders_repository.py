"""ERP orders, cancellations and returns of the accounts: first orders and sales actuals."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from engagement.adapters.tables import orders, returns


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_placed(self, rows: Sequence[dict[str, Any]]) -> None:
        """Orders as placed; a row a cancellation created first gets its amount now."""
        if rows:
            statement = insert(orders).values(list(rows))
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["order_id"],
                    set_={
                        "placed_on": statement.excluded.placed_on,
                        "total": statement.excluded.total,
                        "currency": statement.excluded.currency,
                    },
                )
            )

    async def record_cancelled(self, rows: Sequence[dict[str, Any]]) -> None:
        """Cancellations (order_id, account_id, cancelled_on), before or after their order."""
        if rows:
            statement = insert(orders).values(list(rows))
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=["order_id"],
                    set_={"cancelled_on": statement.excluded.cancelled_on},
                )
            )

    async def record_returned(self, rows: Sequence[dict[str, Any]]) -> None:
        """Returns, one row per ERP event (an order may be returned in parts)."""
        if rows:
            await self._session.execute(insert(returns).values(list(rows)).on_conflict_do_nothing())

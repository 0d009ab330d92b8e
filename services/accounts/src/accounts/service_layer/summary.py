"""The purchase summary of an account page, derived from its orders."""

from datetime import UTC, datetime
from typing import Any

from accounts.domain.classification import window_start
from accounts.domain.periods import add_months
from accounts.service_layer.unit_of_work import AccountsUnitOfWork


async def purchase_summary(
    *, uow: AccountsUnitOfWork, account_id: str, now: datetime
) -> dict[str, Any]:
    """Lifetime and 12-month figures and the last 12 calendar months (UTC), oldest first."""
    this_month = datetime(now.year, now.month, 1, tzinfo=UTC)
    months = [add_months(this_month, -offset) for offset in range(11, -1, -1)]
    return await uow.queries.purchase_summary(
        account_id, window_start=window_start(now), months=months
    )

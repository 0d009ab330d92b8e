"""Transaction-scoped advisory locks that serialise evaluations across worker copies."""

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Every evaluation holds the policy lock shared; policy activation holds it exclusively, so no
# evaluation with the old policy commits after it.
POLICY_LOCK = 7_310_001


class LockRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_policy_shared(self) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": POLICY_LOCK}
        )

    async def lock_policy_exclusive(self) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": POLICY_LOCK}
        )

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

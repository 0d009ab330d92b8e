"""Unit of work: one database transaction; the only place that commits."""

from types import TracebackType
from typing import Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from chassis.outbox import Outbox


class SqlUnitOfWork:
    """Opens a session and transaction; `commit()` writes pending outbox events then commits.

    Leaving the block without `commit()` rolls everything back. Services subclass it to add
    their repositories in `_open()`.
    """

    session: AsyncSession
    outbox: Outbox

    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        outbox_table: Table,
        source: str,
    ) -> None:
        self._session_factory = session_factory
        self._outbox_table = outbox_table
        self._source = source

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        await self.session.begin()
        self.outbox = Outbox(self.session, self._outbox_table, source=self._source)
        self._open()
        return self

    def _open(self) -> None:
        """Hook for subclasses: build repositories on `self.session`."""

    async def commit(self) -> None:
        await self.outbox.flush()
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.session.in_transaction():
            await self.session.rollback()
        await self.session.close()

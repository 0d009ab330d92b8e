"""The reporting unit of work: one transaction, its repositories and its outbox.

Reporting publishes only its erasure completions (`privacy.erasure.completed.v1`).
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from chassis.unit_of_work import SqlUnitOfWork
from reporting.adapters.facts_repository import FactRepository
from reporting.adapters.inbox_repository import InboxRepository
from reporting.adapters.queries import KpiQueries
from reporting.adapters.tables import outbox


class ReportingUnitOfWork(SqlUnitOfWork):
    facts: FactRepository
    inbox: InboxRepository
    queries: KpiQueries

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], *, live: bool = True
    ) -> None:
        """`live=False`: a rebuild's unit of work, on the schema being built."""
        super().__init__(session_factory=session_factory, outbox_table=outbox, source="reporting")
        self._live = live

    def _open(self) -> None:
        self.facts = FactRepository(self.session, live=self._live)
        self.inbox = InboxRepository(self.session)
        self.queries = KpiQueries(self.session)

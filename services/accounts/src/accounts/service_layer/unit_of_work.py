"""The accounts unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters.repository import AccountQueries, AccountsRepository
from accounts.adapters.tables import outbox
from chassis.unit_of_work import SqlUnitOfWork
from contracts.accounts_v1 import SOURCE


class AccountsUnitOfWork(SqlUnitOfWork):
    accounts: AccountsRepository
    queries: AccountQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.accounts = AccountsRepository(self.session)
        self.queries = AccountQueries(self.session)

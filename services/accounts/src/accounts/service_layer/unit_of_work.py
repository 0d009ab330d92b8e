"""The accounts unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters.cards import CardRepository
from accounts.adapters.policies import PolicyRepository
from accounts.adapters.queries import AccountQueries
from accounts.adapters.reports import ReportRepository
from accounts.adapters.repository import AccountsRepository
from accounts.adapters.signals import SignalRepository
from accounts.adapters.tables import outbox
from accounts.adapters.vip import VipRepository
from chassis.unit_of_work import SqlUnitOfWork
from contracts.accounts_v1 import SOURCE


class AccountsUnitOfWork(SqlUnitOfWork):
    accounts: AccountsRepository
    policies: PolicyRepository
    cards: CardRepository
    vip: VipRepository
    signals: SignalRepository
    reports: ReportRepository
    queries: AccountQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.accounts = AccountsRepository(self.session)
        self.policies = PolicyRepository(self.session)
        self.cards = CardRepository(self.session)
        self.vip = VipRepository(self.session)
        self.signals = SignalRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.queries = AccountQueries(self.session)

"""The accounts unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from accounts.adapters.accounts_repository import AccountsRepository
from accounts.adapters.cards import CardRepository
from accounts.adapters.contacts_repository import ContactRepository
from accounts.adapters.erp_repository import ErpRepository
from accounts.adapters.evaluations_repository import EvaluationRepository
from accounts.adapters.inbox_repository import InboxRepository
from accounts.adapters.locks_repository import LockRepository
from accounts.adapters.policies import PolicyRepository
from accounts.adapters.privacy import PrivacyRepository
from accounts.adapters.published import to_contract
from accounts.adapters.queries import AccountQueries
from accounts.adapters.reports import ReportRepository
from accounts.adapters.signals import SignalRepository
from accounts.adapters.tables import outbox
from accounts.adapters.timers_repository import TimerRepository
from accounts.adapters.vip import VipRepository
from accounts.domain.events import DomainEvent
from chassis.unit_of_work import SqlUnitOfWork
from contracts.accounts_v1 import SOURCE


class AccountsUnitOfWork(SqlUnitOfWork):
    accounts: AccountsRepository
    locks: LockRepository
    erp: ErpRepository
    evaluations: EvaluationRepository
    timers: TimerRepository
    inbox: InboxRepository
    policies: PolicyRepository
    cards: CardRepository
    vip: VipRepository
    signals: SignalRepository
    contacts: ContactRepository
    reports: ReportRepository
    privacy: PrivacyRepository
    queries: AccountQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.accounts = AccountsRepository(self.session)
        self.locks = LockRepository(self.session)
        self.erp = ErpRepository(self.session)
        self.evaluations = EvaluationRepository(self.session)
        self.timers = TimerRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.policies = PolicyRepository(self.session)
        self.cards = CardRepository(self.session)
        self.vip = VipRepository(self.session)
        self.signals = SignalRepository(self.session)
        self.contacts = ContactRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.privacy = PrivacyRepository(self.session)
        self.queries = AccountQueries(self.session)

    def publish(self, *events: DomainEvent) -> None:
        """Write domain events to the outbox as the contract events they are published as."""
        for event in events:
            self.outbox.add(to_contract(event))

"""The engagement unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from chassis.audit import AccessLog
from chassis.unit_of_work import SqlUnitOfWork
from contracts.engagement_v1 import SOURCE
from engagement.adapters.accounts_repository import AccountRepository
from engagement.adapters.inbox_repository import InboxRepository
from engagement.adapters.items_repository import ItemRepository
from engagement.adapters.orders_repository import OrderRepository
from engagement.adapters.outbox_repository import OutboxRepository
from engagement.adapters.policies_repository import PolicyRepository
from engagement.adapters.queries import EngagementQueries
from engagement.adapters.tables import access_log, outbox
from engagement.adapters.teams_repository import TeamRepository
from engagement.adapters.timers_repository import TimerRepository
from engagement.adapters.visits_repository import VisitRepository


class EngagementUnitOfWork(SqlUnitOfWork):
    accounts: AccountRepository
    items: ItemRepository
    visits: VisitRepository
    orders: OrderRepository
    policies: PolicyRepository
    teams: TeamRepository
    timers: TimerRepository
    inbox: InboxRepository
    published: OutboxRepository
    access_log: AccessLog
    queries: EngagementQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.accounts = AccountRepository(self.session)
        self.items = ItemRepository(self.session)
        self.visits = VisitRepository(self.session)
        self.orders = OrderRepository(self.session)
        self.policies = PolicyRepository(self.session)
        self.teams = TeamRepository(self.session)
        self.timers = TimerRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.published = OutboxRepository(self.outbox)
        self.access_log = AccessLog(self.session, access_log)
        self.queries = EngagementQueries(self.session)

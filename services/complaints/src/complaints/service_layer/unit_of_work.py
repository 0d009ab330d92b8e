"""The complaints unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from chassis.audit import AccessLog
from chassis.unit_of_work import SqlUnitOfWork
from complaints.adapters.accounts_repository import AccountRepository
from complaints.adapters.calendars_repository import CalendarRepository
from complaints.adapters.inbox_repository import InboxRepository
from complaints.adapters.outbox_repository import OutboxRepository
from complaints.adapters.policies_repository import PolicyRepository
from complaints.adapters.queries import ComplaintQueries
from complaints.adapters.standard_answers_repository import StandardAnswerRepository
from complaints.adapters.tables import access_log, outbox
from complaints.adapters.tickets_repository import TicketRepository
from complaints.adapters.timers_repository import TimerRepository
from contracts.complaints_v1 import SOURCE


class ComplaintsUnitOfWork(SqlUnitOfWork):
    tickets: TicketRepository
    timers: TimerRepository
    published: OutboxRepository
    accounts: AccountRepository
    inbox: InboxRepository
    calendars: CalendarRepository
    policies: PolicyRepository
    standard_answers: StandardAnswerRepository
    access_log: AccessLog
    queries: ComplaintQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.tickets = TicketRepository(self.session)
        self.timers = TimerRepository(self.session)
        self.published = OutboxRepository(self.session, self.outbox)
        self.accounts = AccountRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.calendars = CalendarRepository(self.session)
        self.policies = PolicyRepository(self.session)
        self.standard_answers = StandardAnswerRepository(self.session)
        self.access_log = AccessLog(self.session, access_log)
        self.queries = ComplaintQueries(self.session)

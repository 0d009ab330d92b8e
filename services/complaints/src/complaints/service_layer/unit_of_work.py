"""The complaints unit of work: one transaction, its repositories and its outbox."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from chassis.unit_of_work import SqlUnitOfWork
from complaints.adapters.queries import ComplaintQueries
from complaints.adapters.repository import (
    AccountRepository,
    CalendarRepository,
    PolicyRepository,
    TicketRepository,
)
from complaints.adapters.tables import outbox
from contracts.complaints_v1 import SOURCE


class ComplaintsUnitOfWork(SqlUnitOfWork):
    tickets: TicketRepository
    accounts: AccountRepository
    calendars: CalendarRepository
    policies: PolicyRepository
    queries: ComplaintQueries

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        super().__init__(session_factory=session_factory, outbox_table=outbox, source=SOURCE)

    def _open(self) -> None:
        self.tickets = TicketRepository(self.session)
        self.accounts = AccountRepository(self.session)
        self.calendars = CalendarRepository(self.session)
        self.policies = PolicyRepository(self.session)
        self.queries = ComplaintQueries(self.session)

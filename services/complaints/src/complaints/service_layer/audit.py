"""The personal-data access log of complaints (decision 0020): what each read and change of a
ticket's contact and texts is logged as."""

from collections.abc import Iterable
from datetime import datetime

from chassis.audit import Access
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork

# Why a change is made: complaints' own work (a command carries no purpose of its own).
HANDLING = "complaint handling"


def ticket_read(
    account_id: str, ticket_id: str, *, actor: str, purpose: str, at: datetime
) -> Access:
    return Access(account_id, actor, "read", f"ticket {ticket_id}: contact and texts", purpose, at)


def ticket_changed(
    account_id: str, ticket_id: str, what: str, *, actor: str, at: datetime
) -> Access:
    return Access(account_id, actor, "change", f"ticket {ticket_id}: {what}", HANDLING, at)


async def record_reads(uow: ComplaintsUnitOfWork, entries: Iterable[Access]) -> None:
    """Log reads in a transaction of their own (reads are never committed)."""
    wanted = list(entries)
    if wanted:
        async with uow:
            await uow.access_log.record(wanted)
            await uow.commit()

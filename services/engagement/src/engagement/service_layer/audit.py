"""The personal-data access log of engagement (decision 0020): what each read and change of
visit logs and of care touches' contact names is logged as."""

from collections.abc import Iterable
from datetime import datetime

from chassis.audit import Access
from engagement.service_layer.unit_of_work import EngagementUnitOfWork

VISIT_LOG = "visit log (notes, next steps)"
CONTACT_NAMES = "care touches' contact names"
# Why a change is made: engagement's own work (a command carries no purpose of its own).
CONTACT_PLANNING = "contact planning"


def reads(
    account_ids: Iterable[str], what: str, *, actor: str, purpose: str, at: datetime
) -> list[Access]:
    """One read of `what` per account shown."""
    return [Access(a, actor, "read", what, purpose, at) for a in sorted(set(account_ids))]


def visit_logged(account_id: str, visit_id: str, *, actor: str, at: datetime) -> Access:
    return Access(
        account_id, actor, "change", f"visit {visit_id}: notes and next step", CONTACT_PLANNING, at
    )


async def record_reads(uow: EngagementUnitOfWork, entries: Iterable[Access]) -> None:
    """Log reads in a transaction of their own (reads are never committed)."""
    wanted = list(entries)
    if wanted:
        async with uow:
            await uow.access_log.record(wanted)
            await uow.commit()

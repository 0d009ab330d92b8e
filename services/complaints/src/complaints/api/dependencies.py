"""FastAPI dependencies of the complaints API."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from chassis.auth import Principal, require_role
from complaints.bootstrap import Complaints
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork


def get_complaints(request: Request) -> Complaints:
    app: Complaints = request.app.state.complaints
    return app


async def read_uow(
    app: Annotated[Complaints, Depends(get_complaints)],
) -> AsyncIterator[ComplaintsUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


ComplaintsApp = Annotated[Complaints, Depends(get_complaints)]
ReadUow = Annotated[ComplaintsUnitOfWork, Depends(read_uow)]

# Who may do what (decision 0016, complaints): tickets are read by managers, supervisors,
# complaint handlers and ops, and worked (opened, stepped) by all of them but ops; the SLA
# board is ops'; calendars and SLA policies are the admin's.
TicketReader = Annotated[
    Principal, Depends(require_role("manager", "supervisor", "complaint_handler", "ops"))
]
TicketWorker = Annotated[
    Principal, Depends(require_role("manager", "supervisor", "complaint_handler"))
]
OnDuty = Annotated[Principal, Depends(require_role("ops"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]

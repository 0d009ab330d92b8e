"""FastAPI dependencies of the complaints API."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

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

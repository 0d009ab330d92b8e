"""FastAPI dependencies of the engagement API."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from engagement.bootstrap import Engagement
from engagement.service_layer.planning import local_day
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


def get_engagement(request: Request) -> Engagement:
    app: Engagement = request.app.state.engagement
    return app


async def read_uow(
    app: Annotated[Engagement, Depends(get_engagement)],
) -> AsyncIterator[EngagementUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


def today(app: Annotated[Engagement, Depends(get_engagement)]) -> date:
    """The company's calendar day now."""
    return local_day(app.clock.now(), app.plan)


EngagementApp = Annotated[Engagement, Depends(get_engagement)]
ReadUow = Annotated[EngagementUnitOfWork, Depends(read_uow)]
Today = Annotated[date, Depends(today)]

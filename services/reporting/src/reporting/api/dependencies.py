"""FastAPI dependencies of the reporting API."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request

from reporting.bootstrap import Reporting
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from reporting.service_layer.views import Question, question


def get_reporting(request: Request) -> Reporting:
    app: Reporting = request.app.state.reporting
    return app


async def read_uow(
    app: Annotated[Reporting, Depends(get_reporting)],
) -> AsyncIterator[ReportingUnitOfWork]:
    """A unit of work for reading: it is never committed."""
    async with app.uow() as uow:
        yield uow


def today(app: Annotated[Reporting, Depends(get_reporting)]) -> date:
    return app.clock.now().date()


def asked(
    app: Annotated[Reporting, Depends(get_reporting)],
    day: Annotated[date, Depends(today)],
    period: Annotated[
        str | None,
        Query(
            max_length=10,
            description="YYYY-MM-DD, YYYY-Www, YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY; "
            "default: the month of as_of",
        ),
    ] = None,
    scope: Annotated[
        str,
        Query(max_length=80, description="company, manager:<staff id> or team:<team id>"),
    ] = "company",
    as_of: Annotated[
        str | None,
        Query(
            max_length=10,
            description="YYYY-MM-DD: count only what was known by the end of that day "
            "(default: today)",
        ),
    ] = None,
) -> Question:
    return question(period=period, scope=scope, as_of=as_of, today=day, settings=app.settings)


ReportingApp = Annotated[Reporting, Depends(get_reporting)]
ReadUow = Annotated[ReportingUnitOfWork, Depends(read_uow)]
Asked = Annotated[Question, Depends(asked)]

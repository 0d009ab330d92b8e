"""FastAPI dependencies of the reporting API.

The patterns state in the OpenAPI document what `reporting.domain.periods` and `.scope` take,
and the API refuses (422) whatever they do not match before the domain sees it. Years are
1900-2999, as in accounts' report periods: a calendar that exists, months with their lengths,
29 February in leap years only and week 53 in the ISO years that have one. What a pattern
cannot state is the service's clock: an `as_of` after today is refused too.
"""

from collections.abc import AsyncIterator
from datetime import date
from itertools import groupby
from typing import Annotated

from fastapi import Depends, Query, Request

from reporting.bootstrap import Reporting
from reporting.service_layer.unit_of_work import ReportingUnitOfWork
from reporting.service_layer.views import Question, question

FIRST_YEAR, LAST_YEAR = 1900, 2999
_YEAR = r"(19|2[0-9])[0-9]{2}"
_MONTH = r"(0[1-9]|1[0-2])"
# 1-28 in every month, 29-30 in all but February, 31 in the long months.
_MONTH_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31"
# Every fourth year but the centuries not divisible by 400 (1900, 2100, 2200, 2300, ...).
_LEAP_YEAR = r"(19|2[0-9])(0[48]|[2468][048]|[13579][26])|2[048]00"


def _years_with_week_53() -> str:
    """The years 1900-2999 whose ISO calendar has a week 53, as `19(04|09|...)|20(04|...)`."""
    years = [
        year
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
        if date(year, 12, 28).isocalendar().week == 53
    ]
    centuries = groupby(years, key=lambda year: year // 100)
    return "|".join(
        f"{century}({'|'.join(f'{year % 100:02d}' for year in group)})"
        for century, group in centuries
    )


DAY = rf"({_YEAR})-({_MONTH_DAY})|({_LEAP_YEAR})-02-29"
WEEK = rf"({_YEAR})-W(0[1-9]|[1-4][0-9]|5[0-2])|({_years_with_week_53()})-W53"
PERIOD_PATTERN = rf"^(({DAY})|({WEEK})|{_YEAR}(-({_MONTH}|Q[1-4]|H[12]))?)?$"
AS_OF_PATTERN = rf"^({DAY})?$"
# A manager's staff id is the events' (any text up to 64 characters); a team is configuration.
SCOPE_PATTERN = r"^(company|manager:[^\u0000]{1,64}|team:[^\u0000]{1,75})$"


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
            pattern=PERIOD_PATTERN,
            description="YYYY-MM-DD, YYYY-Www (ISO week), YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY, "
            f"years {FIRST_YEAR}-{LAST_YEAR}; empty or absent: the month of as_of",
            examples=["2026-11", "2026-Q4", "2026-W47"],
        ),
    ] = None,
    scope: Annotated[
        str,
        Query(
            max_length=80,
            pattern=SCOPE_PATTERN,
            description="company, manager:<staff id> or team:<team id> (404: no such team)",
        ),
    ] = "company",
    as_of: Annotated[
        str | None,
        Query(
            max_length=10,
            pattern=AS_OF_PATTERN,
            description="YYYY-MM-DD, at most today: count only what was known by the end of "
            "that day (empty or absent: today)",
            examples=["2026-11-30"],
        ),
    ] = None,
) -> Question:
    return question(period=period, scope=scope, as_of=as_of, today=day, settings=app.settings)


ReportingApp = Annotated[Reporting, Depends(get_reporting)]
ReadUow = Annotated[ReportingUnitOfWork, Depends(read_uow)]
Asked = Annotated[Question, Depends(asked)]

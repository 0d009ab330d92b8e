"""FastAPI dependencies of the reporting API: the application, units of work, who asks and
what they ask.

Who asks is the principal of the verified token (or of the signed-in browser; chassis.auth,
decision 0016). Figures are read by managers, supervisors and the admin (anyone else: 403), each
within their own scope (`Caller`): a manager their own figures, a supervisor their teams' and
their teams' managers', the admin the company's and everyone's. A scope outside it is not found
(404), with the same answer whether the manager or team exists or not; without a scope the
caller's own is shown.

The patterns state in the OpenAPI document what `reporting.domain.periods` and `.scope` take,
and the API refuses (422) whatever they do not match before the domain sees it. Years are
1900-2999, as in accounts' report periods: a calendar that exists, months with their lengths,
29 February in leap years only and week 53 in the ISO years that have one. What a pattern
cannot state is the service's clock: an `as_of` after today is refused too.
"""

from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Annotated

from fastapi import Depends, Query, Request

from chassis.auth import (
    CurrentPrincipal,
    Principal,
    Role,
    SignedIn,
    managers_read_by,
    scope_of,
)
from chassis.errors import NotFound
from chassis.messages import _
from reporting.bootstrap import Reporting
from reporting.domain.scope import Scope, parse_scope
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


# Who reads figures (decision 0016, reporting): the handbook measures managers and teams, so
# managers and supervisors read theirs; the company's are the admin's.
READERS: tuple[Role, ...] = ("manager", "supervisor", "admin")


@dataclass(frozen=True)
class Caller:
    """The signed-in person asking, and whose figures they may read."""

    principal: Principal
    managers: frozenset[str] | None  # the managers whose figures they read; None: everyone's
    teams: frozenset[str] | None  # the teams whose figures they read; None: every team's

    @property
    def own_scope(self) -> str:
        """What they see without choosing: the company (admin), their team (supervisor) or
        their own figures."""
        if self.managers is None:
            return "company"
        if self.teams:
            return f"team:{min(self.teams)}"
        return f"manager:{self.principal.user_id}"

    def may_read(self, scope: str) -> bool:
        """Whether `scope` (`company`, `manager:<id>`, `team:<id>`) is within theirs."""
        if self.managers is None:
            return True
        kind, _separator, ident = scope.partition(":")
        if kind == "manager":
            return ident in self.managers
        return kind == "team" and self.teams is not None and ident in self.teams

    def scope(self, text: str | None, teams: Mapping[str, Collection[str]]) -> Scope:
        """The scope asked for (None: their own); outside theirs not found, whether it exists
        or not (the same answer for a manager of another team and for nobody)."""
        chosen = text or self.own_scope
        if not self.may_read(chosen):
            raise NotFound(_("no figures of %(scope)r") % {"scope": chosen}, code="scope_not_found")
        return parse_scope(chosen, teams)


def caller_of(principal: Principal, teams: Mapping[str, Collection[str]]) -> Caller:
    """The admin reads everyone's figures; anyone else those of the scope chassis gives them."""
    managers = managers_read_by(principal, teams)
    return Caller(
        principal, managers, None if managers is None else scope_of(principal, teams).teams
    )


async def caller(
    principal: CurrentPrincipal, app: Annotated[Reporting, Depends(get_reporting)]
) -> Caller:
    """The API's caller: a reader of figures (403 otherwise)."""
    principal.require(*READERS)
    return caller_of(principal, app.teams)


async def page_caller(
    principal: SignedIn, app: Annotated[Reporting, Depends(get_reporting)]
) -> Caller:
    """`caller` for pages: a browser nobody signed in to is sent to sign in first."""
    principal.require(*READERS)
    return caller_of(principal, app.teams)


def asked(
    app: Annotated[Reporting, Depends(get_reporting)],
    who: Annotated[Caller, Depends(caller)],
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
        str | None,
        Query(
            max_length=80,
            pattern=SCOPE_PATTERN,
            description="company (the admin's), manager:<staff id> or team:<team id>, within "
            "the caller's own (404 outside it, and for a team that does not exist); absent: "
            "the caller's own (a manager's figures, a supervisor's team's, the company's)",
        ),
    ] = None,
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
    return question(period=period, as_of=as_of, today=day, scope=who.scope(scope, app.teams))


ReportingApp = Annotated[Reporting, Depends(get_reporting)]
Reader = Annotated[Caller, Depends(caller)]
PageReader = Annotated[Caller, Depends(page_caller)]
ReadUow = Annotated[ReportingUnitOfWork, Depends(read_uow)]
Asked = Annotated[Question, Depends(asked)]

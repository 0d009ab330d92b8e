"""The reporting JSON API under /api/v1/reporting: every KPI and composition figure with
`period`, `scope` and `as_of`, and the drill-down to the events behind each number. Each
operation reads within the caller's scope (reporting.api.dependencies): the figures and the
events behind them of another manager or team are not found."""

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query

from chassis.http import refusals
from reporting.api.dependencies import Asked, ReadUow, ReportingApp
from reporting.api.schemas import DrillDownOut, EventOut, FigureOut, FiguresOut
from reporting.service_layer.views import (
    COMPOSITION,
    DASHBOARD,
    Figure,
    Question,
    drill_down,
    figures,
)

router = APIRouter(prefix="/api/v1/reporting", tags=["reporting"])
PREFIX = "/api/v1/reporting"

FigurePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=40,
        pattern=r"^[a-z_]+$",
        description="a figure of /kpis or /composition (404: no such figure)",
        examples=["nps", "revenue_by_category"],
    ),
]
# Every operation: no or a wrong token is a 401, a role that reads no figures a 403; a scope
# outside the caller's (or a team the configuration does not know) is a 404; the figure
# operations also name a figure (and a breakdown row) that may not exist.
REFUSALS = refusals(401, 403, 404)


def query_of(asked: Question, **extra: str) -> str:
    w = asked.window
    return urlencode(
        {
            "period": w.period.label,
            "scope": asked.scope.label,
            "as_of": w.as_of.isoformat(),
            **extra,
        }
    )


def figure_out(found: Figure, asked: Question) -> FigureOut:
    base = f"{PREFIX}/figures/{found.name}/events"
    return FigureOut(
        name=found.name,
        value=found.value,
        events=len(found.event_ids),
        events_url=f"{base}?{query_of(asked)}",
        breakdown_urls={key: f"{base}?{query_of(asked, key=key)}" for key in found.breakdown},
    )


def figures_out(found: Sequence[Figure], asked: Question) -> FiguresOut:
    w = asked.window
    return FiguresOut(
        period=w.period.label,
        start=w.start_day,
        end=w.end_day,
        as_of=w.as_of,
        known_before=w.known,
        scope=asked.scope.label,
        figures=[figure_out(one, asked) for one in found],
    )


@router.get(
    "/kpis",
    response_model=FiguresOut,
    summary="Every manager KPI",
    responses=REFUSALS,
)
async def kpis(app: ReportingApp, uow: ReadUow, asked: Asked) -> FiguresOut:
    """CSAT, NPS, retention, churn, new accounts, repeat purchase, CLV, referral, complaint
    rate, SLA compliance per clock, visits against the norm, plan completion, follow-ups on
    time and sales against target (docs/kpis.md), for the scope and period as of a date."""
    return figures_out(await figures(uow, asked, app.settings, DASHBOARD), asked)


@router.get(
    "/composition",
    response_model=FiguresOut,
    summary="Account composition",
    responses=REFUSALS,
)
async def composition(app: ReportingApp, uow: ReadUow, asked: Asked) -> FiguresOut:
    """Revenue share by value class, grade, ABC class, region, segment, VIP and product
    category; new-account growth; churn of old accounts; VIP against non-VIP."""
    return figures_out(await figures(uow, asked, app.settings, COMPOSITION), asked)


@router.get("/figures/{name}", response_model=FiguresOut, summary="One figure", responses=REFUSALS)
async def one_figure(app: ReportingApp, uow: ReadUow, asked: Asked, name: FigurePath) -> FiguresOut:
    """One KPI or composition figure by name (the names of /kpis and /composition)."""
    return figures_out(await figures(uow, asked, app.settings, [name]), asked)


@router.get(
    "/figures/{name}/events",
    response_model=DrillDownOut,
    summary="Drill-down",
    responses=REFUSALS,
)
async def figure_events(
    app: ReportingApp,
    uow: ReadUow,
    asked: Asked,
    name: FigurePath,
    key: Annotated[
        str | None,
        Query(max_length=300, description="one row of the figure's breakdown (404: no such row)"),
    ] = None,
) -> DrillDownOut:
    """The events behind a figure (or one row of it): id, type, when it happened, when it
    arrived, and the account."""
    rows = await drill_down(uow, asked, app.settings, name, key)
    return DrillDownOut(
        figure=name,
        key=key,
        period=asked.window.period.label,
        as_of=asked.window.as_of,
        scope=asked.scope.label,
        events=[
            EventOut(
                event_id=row.event_id,
                type=row.type,
                account_id=row.account_id,
                occurred_at=row.occurred_at,
                arrived_at=row.arrived_at,
                account_url=f"/accounts/{row.account_id}",
            )
            for row in rows
        ],
    )

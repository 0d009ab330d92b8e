"""The reporting pages: the manager and team dashboard (figures, SVG charts, period and scope
pickers), the drill-down to the events behind every number, CSV exports of every table and the
printable period report. They extend the shared layout (chassis.web).

Each page is the signed-in user's (`PageReader`, the API's roles and scopes): a scope outside
theirs is not found, its figures, events and exports alike; the scope picker lists theirs."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from chassis import i18n
from chassis.auth import csrf_protected
from chassis.errors import NotFound, RapportError
from chassis.http import status_of
from chassis.i18n import N_, _
from chassis.web import templates as shared_templates
from reporting.api.dependencies import Caller, PageReader, ReadUow, ReportingApp, today
from reporting.api.routes import query_of
from reporting.service_layer.views import (
    COMPOSITION,
    DASHBOARD,
    Figure,
    Question,
    context,
    drill_down,
    figure,
    question,
    sales_by_day,
)
from reporting.ui.charts import bar_chart, column_chart
from reporting.ui.labels import FIGURES, figure_label, label

STATIC_PREFIX = "/reporting/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)
# The pages only read (their forms are GETs); a form that posts would need `csrf_input()`.
router = APIRouter(
    prefix="/reporting", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)

# Each dashboard card: the figure, the value shown and its unit (its label: labels.FIGURES).
CARDS: tuple[tuple[str, str, str], ...] = (
    ("sales_vs_target", "share", "%"),
    ("visits", "per_manager_month", ""),
    ("plan_completion", "rate", "%"),
    ("follow_ups_on_time", "rate", "%"),
    ("csat", "satisfied_share", "%"),
    ("nps", "score", ""),
    ("retention", "rate", "%"),
    ("churn", "rate", "%"),
    ("new_accounts", "growth_rate", "%"),
    ("repeat_purchase", "rate", "%"),
    ("clv", "value", "¥"),
    ("referral", "rate", "%"),
    ("complaint_rate", "per_100_accounts", ""),
    ("sla_compliance", "rate", "%"),
)
COMPOSITION_TABLES = (
    "revenue_by_value_class",
    "revenue_by_grade",
    "revenue_by_abc_class",
    "revenue_by_region",
    "revenue_by_segment",
    "revenue_by_vip",
    "revenue_by_category",
)


@dataclass
class Table:
    """A table of a page, the same rows as its CSV export."""

    name: str
    title: str  # English, translated where shown
    header: list[str]  # English (the CSV's), translated where shown
    rows: list[list[Any]]
    # Per row: the drill-down link of the row (or None).
    links: list[str | None]
    # Per column, how the page shows a cell (`shown`): key, money, number or text.
    kinds: tuple[str, ...] = ()


def page_question(
    app: ReportingApp,
    who: PageReader,
    day: Annotated[Any, Depends(today)],
    period: str | None = None,
    scope: str | None = None,
    as_of: str | None = None,
) -> Question | RapportError:
    try:
        return question(
            period=period or None,
            as_of=as_of or None,
            today=day,
            scope=who.scope(scope or None, app.teams),
        )
    except RapportError as error:
        return error


Asked = Annotated[Question | RapportError, Depends(page_question)]


def drill_href(asked: Question, name: str, key: str | None = None) -> str:
    extra = {"key": key} if key is not None else {}
    return f"/reporting/figures/{name}/events?{query_of(asked, **extra)}"


def csv_href(asked: Question, table: str) -> str:
    return f"/reporting/csv/{table}?{query_of(asked)}"


def _scalars(value: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(key, item) for key, item in value.items() if not isinstance(item, list | dict)]


async def _tables(uow: Any, asked: Question, app: Any) -> tuple[dict[str, Figure], list[Table]]:
    """Every figure of the dashboard and every table it shows (the CSV exports' rows)."""
    ctx = await context(uow, asked.window, asked.scope, app.settings)
    found = {name: await figure(ctx, name) for name in (*DASHBOARD, *COMPOSITION)}
    tables = [
        Table(
            "kpis",
            N_("Figures"),
            [N_("figure"), N_("measure"), N_("value")],
            [[name, key, item] for name in DASHBOARD for key, item in _scalars(found[name].value)],
            [drill_href(asked, name) for name in DASHBOARD for _ in _scalars(found[name].value)],
            ("figure", "text", "text"),
        )
    ]
    sales = await sales_by_day(ctx)
    tables.append(
        Table(
            "sales_by_day",
            N_("Net sales by day"),
            [N_("day"), N_("net revenue")],
            [[day.isoformat(), str(amount)] for day, amount in sales],
            [drill_href(asked, "sales_vs_target") for _ in sales],
            ("day", "money"),
        )
    )
    visits = found["visits"]
    tables.append(
        Table(
            "visits_by_manager",
            N_("Visits by manager"),
            [N_("manager"), N_("visits"), N_("a month"), N_("norm %"), N_("below norm")],
            [
                [row["manager"], row["visits"], row["per_month"], row["of_norm"], row["below_norm"]]
                for row in visits.value["by_manager"]
            ],
            [drill_href(asked, "visits", row["manager"]) for row in visits.value["by_manager"]],
            ("text", "number", "number", "number", "yes_no"),
        )
    )
    sla = found["sla_compliance"]
    tables.append(
        Table(
            "sla_by_clock",
            N_("SLA compliance by clock"),
            [N_("clock"), N_("met"), N_("breached"), N_("% met")],
            [
                [row["clock"], row["met"], row["breached"], row["rate"]]
                for row in sla.value["clocks"]
            ],
            [drill_href(asked, "sla_compliance", row["clock"]) for row in sla.value["clocks"]],
            ("key", "number", "number", "number"),
        )
    )
    for name in COMPOSITION_TABLES:
        rows = found[name].value["rows"]
        tables.append(
            Table(
                name,
                FIGURES[name],
                [N_("key"), N_("net revenue"), N_("share %")],
                [[row["key"], row["revenue"], row["share"]] for row in rows],
                [drill_href(asked, name, row["key"]) for row in rows],
                ("key", "money", "number"),
            )
        )
    vip = found["vip_performance"].value["rows"]
    tables.append(
        Table(
            "vip_performance",
            FIGURES["vip_performance"],
            [N_("group"), N_("customers"), N_("net revenue"), N_("revenue per customer")],
            [
                [row["group"], row["customers"], row["revenue"], row["revenue_per_customer"]]
                for row in vip
            ],
            [drill_href(asked, "vip_performance", row["group"]) for row in vip],
            ("key", "number", "money", "money"),
        )
    )
    return found, tables


def _decimal(value: Any) -> Decimal:
    return Decimal(value) if value not in (None, "") else Decimal(0)


def decimal_text(value: Any) -> str:
    """A figure with the decimals it was computed with, grouped by the locale: 1,250.50."""
    amount = Decimal(str(value))
    places = max(-amount.as_tuple().exponent, 0) if amount.is_finite() else 0  # type: ignore[operator]
    return i18n.number(amount, "#,##0" + ("." + "0" * places if places else ""))


def shown(value: Any, kind: str = "text") -> str:
    """A cell or a figure as a page shows it: `key` a breakdown's key by its label, `money` in
    yuan, `number` grouped, `%` a share, `day` a date in the locale, `figure` by its label,
    `message` an English message translated (a column's name: `_` of a template would take its
    `%` for a placeholder)."""
    if value is None or value == "":
        return "—"
    if kind == "key":
        return label(value)
    if kind == "figure":
        return figure_label(str(value))
    if kind == "money" or kind == "¥":
        return i18n.money(Decimal(str(value)))
    if kind == "number":
        return decimal_text(value)
    if kind == "%":
        return f"{decimal_text(value)}%"
    if kind == "day":
        return i18n.day(date.fromisoformat(str(value)))
    if kind == "message":
        return _(str(value))
    if kind == "yes_no":
        return _("yes") if value else _("no")
    return str(value)


templates.env.globals["shown"] = shown


async def _scope_options(uow: Any, asked: Question, app: Any, who: Caller) -> list[tuple[str, str]]:
    """The scopes the caller may read: the admin every one, anyone else their teams' and
    their managers'."""
    if who.managers is None:
        options = [("company", _("Whole company"))]
        teams = sorted(app.teams)
        managers = await uow.queries.managers(known=asked.window.known)
    else:
        options = []
        teams = sorted(who.teams or ())
        managers = sorted(who.managers)
    options += [(f"team:{team}", _("Team %(team)s") % {"team": team}) for team in teams]
    options += [
        (f"manager:{manager}", _("Manager %(manager)s") % {"manager": manager})
        for manager in managers
    ]
    if asked.scope.label not in {value for value, _ in options}:
        options.append((asked.scope.label, asked.scope.label))
    return options


def _error(request: Request, error: RapportError) -> HTMLResponse:
    return templates.TemplateResponse(
        request, "error.html", {"error": error}, status_code=status_of(error)
    )


@router.get("/", response_class=HTMLResponse)
async def dashboard(
    request: Request, app: ReportingApp, uow: ReadUow, who: PageReader, asked: Asked
) -> HTMLResponse:
    if isinstance(asked, RapportError):
        return _error(request, asked)
    found, tables = await _tables(uow, asked, app)
    by_name = {table.name: table for table in tables}
    norm = Decimal(app.settings.visit_norm_per_month)
    charts = {
        "sales": column_chart(
            _("Net sales by day"),
            [
                (i18n.short_day(date.fromisoformat(row[0])), _decimal(row[1]))
                for row in by_name["sales_by_day"].rows
            ],
        ),
        "visits": bar_chart(
            _("Visits a month per manager"),
            [(row[0], _decimal(row[2])) for row in by_name["visits_by_manager"].rows],
            norm=norm,
        ),
        "value_class": bar_chart(
            _("Revenue share by value class"),
            [(label(row[0]), _decimal(row[2])) for row in by_name["revenue_by_value_class"].rows],
            unit="%",
        ),
    }
    cards = []
    for name, key, unit in CARDS:
        cards.append(
            {
                "name": name,
                "label": figure_label(name),
                "value": shown(found[name].value.get(key), unit or "number"),
                "events": len(found[name].event_ids),
                "href": drill_href(asked, name),
            }
        )
    return templates.TemplateResponse(
        request,
        "dashboard.html",
        {
            "asked": asked,
            "cards": cards,
            "charts": charts,
            "tables": [table for table in tables if table.name != "kpis"],
            "csv": {table.name: csv_href(asked, table.name) for table in tables},
            "scopes": await _scope_options(uow, asked, app, who),
            "report_href": f"/reporting/report?{query_of(asked)}",
            "found": found,
        },
    )


@router.get("/figures/{name}/events", response_class=HTMLResponse)
async def drill(
    request: Request,
    app: ReportingApp,
    uow: ReadUow,
    asked: Asked,
    name: str,
    key: str | None = None,
) -> HTMLResponse:
    if isinstance(asked, RapportError):
        return _error(request, asked)
    try:
        rows = await drill_down(uow, asked, app.settings, name, key)
    except RapportError as error:
        return _error(request, error)
    extra = {"key": key} if key is not None else {}
    return templates.TemplateResponse(
        request,
        "drill.html",
        {
            "asked": asked,
            "name": name,
            "key": key,
            "rows": rows,
            "back": f"/reporting/?{query_of(asked)}",
            "csv": f"/reporting/csv/events?{query_of(asked, figure=name, **extra)}",
        },
    )


@router.get("/csv/{table}")
async def export(
    request: Request,
    app: ReportingApp,
    uow: ReadUow,
    asked: Asked,
    table: str,
    figure: str | None = None,
    key: str | None = None,
) -> Response:
    """Any table of the pages as CSV (`events`: a drill-down's list, with `figure`)."""
    if isinstance(asked, RapportError):
        return _error(request, asked)
    try:
        if table == "events":
            if figure is None:
                raise NotFound(_("the events export needs a figure"), code="figure_not_found")
            events = await drill_down(uow, asked, app.settings, figure, key)
            header = ["event_id", "type", "account_id", "occurred_at", "arrived_at"]
            rows = [
                [
                    e.event_id,
                    e.type,
                    e.account_id,
                    e.occurred_at.isoformat(),
                    e.arrived_at.isoformat(),
                ]
                for e in events
            ]
        else:
            tables = (await _tables(uow, asked, app))[1]
            chosen = next((one for one in tables if one.name == table), None)
            if chosen is None:
                raise NotFound(_("no table %(table)r") % {"table": table}, code="table_not_found")
            header, rows = chosen.header, chosen.rows
    except RapportError as error:
        return _error(request, error)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(["" if cell is None else cell for cell in row] for row in rows)
    filename = f"{table}-{asked.scope.label.replace(':', '-')}-{asked.window.period.label}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/report", response_class=HTMLResponse)
async def period_report(
    request: Request, app: ReportingApp, uow: ReadUow, asked: Asked
) -> HTMLResponse:
    """The period report of a manager (or team), laid out for A4 paper."""
    if isinstance(asked, RapportError):
        return _error(request, asked)
    found, tables = await _tables(uow, asked, app)
    return templates.TemplateResponse(
        request,
        "report.html",
        {
            "asked": asked,
            "cards": [
                (
                    figure_label(name),
                    shown(found[name].value.get(key), unit or "number"),
                    drill_href(asked, name),
                )
                for name, key, unit in CARDS
            ],
            "tables": [table for table in tables if table.name != "kpis"],
            "norm": app.settings.visit_norm_per_month,
        },
    )

"""Server-rendered pages of the complaints service under /complaints/.

Forms post here as application/x-www-form-urlencoded; each action runs the same command
handlers as the JSON API and redirects back (post/redirect/get). A refused action re-renders the
page with the reason and a 4xx status; the ticket is unchanged.
"""

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from chassis.audit import audit_page_context
from chassis.auth import SignedIn, csrf_protected
from chassis.errors import Problem, RapportError
from chassis.http import IntId, parse_form, status_of
from chassis.i18n import N_, _
from chassis.web import templates as shared_templates
from complaints.adapters.documents import target_from_document
from complaints.api.dependencies import (
    TICKET_READERS,
    TICKET_WORKERS,
    Caller,
    ComplaintsApp,
    ReadUow,
    page_caller,
)
from complaints.api.schemas import PolicyDocumentIn
from complaints.bootstrap import Complaints
from complaints.domain.calendar import WEEKDAYS
from complaints.domain.errors import InvalidInput
from complaints.domain.policy import CATEGORIES
from complaints.domain.scope import Visibility
from complaints.domain.tickets import CHANNELS, DEPARTMENTS, REMEDIES, STATUSES
from complaints.service_layer import commands as c
from complaints.service_layer.audit import record_reads, ticket_read
from complaints.service_layer.handlers import (
    activate_policy,
    file_complaint,
    publish_policy,
    run_ticket_command,
    update_calendar,
)
from complaints.service_layer.views import ticket_detail
from complaints.ui.labels import detail_value, holiday_name, label, rule_value, weekday_name

STATIC_PREFIX = "/complaints/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)
templates.env.globals.update(
    channels=CHANNELS,
    categories=CATEGORIES,
    departments=DEPARTMENTS,
    remedies=REMEDIES,
    statuses=STATUSES,
    weekdays=WEEKDAYS,
    label=label,
    detail_value=detail_value,
    rule_value=rule_value,
    weekday_name=weekday_name,
)

# Every form carries the session's CSRF token (`csrf_input()`); a post without it is a 403.
router = APIRouter(
    prefix="/complaints", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)
# The roles and scopes of the API's routes (complaints.api.dependencies), on each page.
PageReader = Annotated[Caller, Depends(page_caller(*TICKET_READERS))]
PageWorker = Annotated[Caller, Depends(page_caller(*TICKET_WORKERS))]

Form = dict[str, str]


# The pages' free-text fields that the domain does not bound to their columns, with the API
# schemas' lengths; and the API's bounds on order references.
FIELD_LIMITS = {"account_id": 64, "contact": 300, "handler": 64, "reference": 200}
MAX_ORDER_REFS = 50
MAX_ORDER_REF = 64


def order_refs_of(form: Form) -> tuple[str, ...]:
    return tuple(form.get("order_refs", "").replace(",", " ").split())


async def form_of(request: Request) -> Form:
    """The posted form (urlencoded, strict UTF-8), refused (422) past the API's bounds."""
    form = parse_form(await request.body())
    problems = [
        Problem(name, _("at most %(limit)s characters") % {"limit": limit})
        for name, limit in FIELD_LIMITS.items()
        if len(form.get(name, "")) > limit
    ]
    refs = order_refs_of(form)
    if len(refs) > MAX_ORDER_REFS or any(len(ref) > MAX_ORDER_REF for ref in refs):
        message = _("at most %(refs)s references of at most %(length)s characters") % {
            "refs": MAX_ORDER_REFS,
            "length": MAX_ORDER_REF,
        }
        problems.append(Problem("order_refs", message))
    if problems:
        raise InvalidInput(_("the form is out of bounds"), details=problems)
    return form


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def not_found(request: Request, message: str) -> HTMLResponse:
    return page(request, "not_found.html", {"message": message}, status=404)


def optional_int(value: str | None, what: str) -> int | None:
    """`value` as a number; `what` names the field (English, marked `N_`, shown translated)."""
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(_("%(what)s must be a whole number") % {"what": _(what)}) from None


@router.get("/", response_class=HTMLResponse)
async def queue(
    request: Request, app: ComplaintsApp, uow: ReadUow, who: PageReader
) -> HTMLResponse:
    params = {k: v for k, v in request.query_params.items() if v}
    status = params.get("status") if params.get("status") in STATUSES else None
    severity = params.get("severity") if params.get("severity") in ("1", "2", "3") else None
    rows, total = await uow.queries.queue(
        status=status,
        severity=int(severity) if severity else None,
        account_id=params.get("account_id"),
        include_closed=False,
        limit=200,
        offset=0,
        visible_to=who.visible_to,
    )
    return page(
        request,
        "queue.html",
        {"rows": rows, "total": total, "params": params, "now": app.clock.now()},
    )


@router.get("/new", response_class=HTMLResponse)
async def new_ticket(request: Request, who: PageWorker) -> HTMLResponse:
    return page(request, "new_ticket.html", {"form": dict(request.query_params), "error": None})


@router.post("/new")
async def create_ticket(request: Request, app: ComplaintsApp, who: PageWorker) -> Response:
    form = await form_of(request)
    try:
        ticket = await file_complaint(
            uow=app.uow(),
            command=c.FileComplaint(
                account_id=form.get("account_id", "").strip(),
                contact=form.get("contact", ""),
                channel=form.get("channel", ""),
                category=form.get("category", ""),
                severity=optional_int(form.get("severity"), N_("severity")) or 0,
                description=form.get("description", ""),
                actor=who.user_id,
                visible_to=who.visible_to,
                order_refs=order_refs_of(form),
            ),
            clock=app.clock,
            settings=app.sla,
        )
    except RapportError as error:
        return page(
            request,
            "new_ticket.html",
            {"form": form, "error": error.message},
            status=status_of(error),
        )
    return RedirectResponse(f"/complaints/tickets/{ticket.id}", status_code=303)


async def render_ticket(
    request: Request,
    app: Complaints,
    ticket_id: str,
    who: Caller,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    async with app.uow() as uow:
        detail = await ticket_detail(
            uow=uow,
            ticket_id=ticket_id,
            visible_to=who.visible_to,
            settings=app.sla,
            now=app.clock.now(),
        )
        if detail is None:
            return not_found(request, _("No ticket %(ticket)s.") % {"ticket": ticket_id})
        answers = await uow.queries.standard_answers(detail["category"])
    read = ticket_read(
        detail["account_id"],
        ticket_id,
        actor=who.user_id,
        purpose="ticket page",
        at=app.clock.now(),
    )
    await record_reads(app.uow(), [read])
    return page(
        request,
        "ticket.html",
        {
            "ticket": detail,
            "answers": answers,
            "error": error,
            "now": app.clock.now(),
            "can_act": who.principal.has_role(*TICKET_WORKERS),
        },
        status=status,
    )


@router.get("/tickets/{ticket_id}", response_class=HTMLResponse)
async def ticket_page(
    request: Request, app: ComplaintsApp, who: PageReader, ticket_id: str
) -> HTMLResponse:
    return await render_ticket(request, app, ticket_id, who)


# A step from its ticket, who takes it, what they see, and the form.
CommandBuilder = Callable[[str, str, Visibility, Form], c.TicketCommand]

ACTIONS: dict[str, CommandBuilder] = {
    "acknowledge": lambda t, a, v, f: c.Acknowledge(t, a, v),
    "investigate": lambda t, a, v, f: c.Investigate(
        t, a, v, department=f.get("department") or None
    ),
    "assign": lambda t, a, v, f: c.Assign(
        t, a, v, department=f.get("department", ""), handler=f.get("handler") or None
    ),
    "propose-solution": lambda t, a, v, f: c.ProposeSolution(
        t, a, v, remedy=f.get("remedy", ""), solution=f.get("solution", "")
    ),
    "reject-solution": lambda t, a, v, f: c.RejectSolution(t, a, v, reason=f.get("reason", "")),
    "resolve": lambda t, a, v, f: c.Resolve(t, a, v, root_cause=f.get("root_cause", "")),
    "follow-up": lambda t, a, v, f: c.FollowUp(t, a, v, note=f.get("note", "")),
    "close": lambda t, a, v, f: c.Close(
        t, a, v, satisfaction=optional_int(f.get("satisfaction"), N_("satisfaction"))
    ),
    "reopen": lambda t, a, v, f: c.Reopen(t, a, v, reason=f.get("reason", "")),
    "pause": lambda t, a, v, f: c.PauseClock(
        t, a, v, clock=f.get("clock", ""), reason=f.get("reason", "")
    ),
    "resume": lambda t, a, v, f: c.ResumeClock(t, a, v, clock=f.get("clock", "")),
    "review-return": lambda t, a, v, f: c.ReviewReturn(t, a, v, remedy=f.get("remedy", "")),
    "regulator-report": lambda t, a, v, f: c.ReportToRegulator(
        t, a, v, reference=f.get("reference", "")
    ),
    "goods-received": lambda t, a, v, f: c.RecordGoodsReceived(t, a, v),
    "replacement-shipped": lambda t, a, v, f: c.RecordReplacementShipped(t, a, v),
    "refund-paid": lambda t, a, v, f: c.RecordRefundPaid(t, a, v),
}


@router.post("/tickets/{ticket_id}/do/{action}")
async def ticket_action(
    request: Request, app: ComplaintsApp, who: PageWorker, ticket_id: str, action: str
) -> Response:
    build = ACTIONS.get(action)
    if build is None:
        return not_found(request, _("No action %(action)s.") % {"action": action})
    form = await form_of(request)
    try:
        await run_ticket_command(
            uow=app.uow(),
            command=build(ticket_id, who.user_id, who.visible_to, form),
            clock=app.clock,
            settings=app.sla,
        )
    except RapportError as error:
        return await render_ticket(
            request, app, ticket_id, who, error=error.message, status=status_of(error)
        )
    return RedirectResponse(f"/complaints/tickets/{ticket_id}", status_code=303)


async def board_context(app: Complaints, uow: ReadUow) -> dict[str, Any]:
    now = app.clock.now()
    return {
        "board": await uow.queries.board(now=now),
        "repeats": await uow.queries.repeat_counts(since=now - app.settings.repeat_window),
        "now": now,
        "refresh_seconds": app.settings.board_refresh_seconds,
    }


@router.get("/board", response_class=HTMLResponse)
async def board(request: Request, app: ComplaintsApp, uow: ReadUow, who: SignedIn) -> HTMLResponse:
    who.require("ops")
    return page(request, "board.html", await board_context(app, uow))


@router.get("/board/live", response_class=HTMLResponse)
async def board_live(
    request: Request, app: ComplaintsApp, uow: ReadUow, who: SignedIn
) -> HTMLResponse:
    """The board's live part, fetched by htmx every few seconds."""
    who.require("ops")
    return page(request, "board_live.html", await board_context(app, uow))


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, uow: ReadUow, who: SignedIn) -> HTMLResponse:
    """The admin's audit of every read and change of tickets' personal data."""
    who.require("admin")
    context, status = await audit_page_context(
        dict(request.query_params), uow.access_log, "/complaints/audit"
    )
    return page(request, "personal_data_audit.html", context, status=status)


@router.get("/admin/calendars", response_class=HTMLResponse)
async def calendars_page(request: Request, uow: ReadUow, who: SignedIn) -> HTMLResponse:
    who.require("admin")
    return page(
        request, "calendars.html", {"calendars": await uow.queries.calendars(), "error": None}
    )


@router.post("/admin/calendars")
async def save_calendar(request: Request, app: ComplaintsApp, who: SignedIn) -> Response:
    who.require("admin")
    form = await form_of(request)
    try:
        await update_calendar(
            uow=app.uow(),
            command=c.UpdateCalendar(
                name=form.get("name", "").strip(),
                time_zone=form.get("time_zone", "").strip(),
                week={
                    day: [p.strip() for p in form.get(day, "").split(",") if p.strip()]
                    for day in WEEKDAYS
                },
                holidays=holidays_of(form.get("holidays", "")),
                actor=who.user_id,
            ),
            clock=app.clock,
            settings=app.sla,
        )
    except RapportError as error:
        async with app.uow() as uow:
            calendars = await uow.queries.calendars()
        return page(
            request,
            "calendars.html",
            {"calendars": calendars, "error": error.message},
            status=status_of(error),
        )
    return RedirectResponse("/complaints/admin/calendars", status_code=303)


@router.get("/admin/policies", response_class=HTMLResponse)
async def policies_page(request: Request, uow: ReadUow, who: SignedIn) -> HTMLResponse:
    who.require("admin")
    return await render_policies(request, uow, error=None, draft=None)


async def render_policies(
    request: Request, uow: ReadUow, *, error: str | None, draft: str | None, status: int = 200
) -> HTMLResponse:
    policies = await uow.queries.policies()
    active = next((p for p in policies if p["active"]), None)
    return page(
        request,
        "policies.html",
        {
            "policies": policies,
            "active": active,
            "draft": draft or json.dumps(active["document"] if active else {}, indent=2),
            "error": error,
        },
        status=status,
    )


@router.post("/admin/policies")
async def save_policy(
    request: Request, app: ComplaintsApp, uow: ReadUow, who: SignedIn
) -> Response:
    who.require("admin")
    form = await form_of(request)
    draft = form.get("document", "")
    try:
        try:
            document = json.loads(draft)
        except json.JSONDecodeError as exc:
            raise InvalidInput(
                _("the policy is not valid JSON: %(error)s") % {"error": exc}
            ) from exc
        if not isinstance(document, dict):
            raise InvalidInput(_("the policy must be a JSON object with rules"))
        try:
            PolicyDocumentIn.model_validate(document)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}"
                for error in exc.errors()[:5]
            )
            raise InvalidInput(
                _("the policy is out of bounds: %(problems)s") % {"problems": problems}
            ) from exc
        await publish_policy(
            uow=app.uow(),
            command=c.PublishPolicy(document=document, actor=who.user_id),
            clock=app.clock,
        )
    except RapportError as error:
        return await render_policies(
            request, uow, error=error.message, draft=draft, status=status_of(error)
        )
    return RedirectResponse("/complaints/admin/policies", status_code=303)


@router.post("/admin/policies/{version}/activate")
async def activate(app: ComplaintsApp, who: SignedIn, version: IntId) -> Response:
    who.require("admin")
    await activate_policy(uow=app.uow(), command=c.ActivatePolicy(version, who.user_id))
    return RedirectResponse("/complaints/admin/policies", status_code=303)


def duration_patterns() -> dict[str, str]:
    """The countdown's patterns in the current language, for the filter and the pages' script:
    `1 h 05 min`, `-3 min 10 s`, `overdue 2 d 3 h`."""
    return {
        "days": _("%(days)d d %(hours)d h"),
        "hours": _("%(hours)d h %(minutes)02d min"),
        "minutes": _("%(minutes)d min %(seconds)02d s"),
        "overdue": _("overdue %(left)s"),
    }


def countdown_filter(seconds: float | None) -> str:
    """`1 h 05 min`, `-3 min 10 s` (overdue); `1 小时 5 分` in Chinese."""
    if seconds is None:
        return "—"
    sign = "-" if seconds < 0 else ""
    left = timedelta(seconds=abs(int(seconds)))
    hours, rest = divmod(left.seconds, 3600)
    minutes, secs = divmod(rest, 60)
    values = {"days": left.days, "hours": hours, "minutes": minutes, "seconds": secs}
    patterns = duration_patterns()
    pattern = patterns["days"] if left.days else patterns["hours"] if hours else patterns["minutes"]
    return sign + pattern % values


def target_text(document: dict[str, Any]) -> str:
    """A policy document's clock target as the ticket page describes it, in the reader's
    language: `24 hours (wall time), pausable`."""
    return target_from_document(document).describe()


def holidays_of(text: str) -> list[dict[str, Any]]:
    """The form's holidays, one a line: `2026-10-01 | National Day | 国庆节`, the names optional."""
    holidays = []
    for line in text.splitlines():
        if line.strip():
            day, en, zh = ([part.strip() for part in line.split("|", 2)] + ["", ""])[:3]
            holidays.append({"date": day, "name": {"en": en, "zh": zh}})
    return holidays


def holiday_lines(holidays: list[dict[str, Any]]) -> str:
    """A calendar's holidays (as stored) as the form's lines, both names kept."""
    lines = []
    for holiday in holidays:
        parts = [holiday["date"], holiday["name"]["en"], holiday["name"]["zh"]]
        while not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def holiday_rows(holidays: list[dict[str, Any]]) -> list[tuple[date, str]]:
    """A calendar's holidays (as stored) as dates with their names in the reader's language."""
    return [(date.fromisoformat(h["date"]), holiday_name(h["name"])) for h in holidays]


templates.env.filters["duration"] = countdown_filter
templates.env.globals.update(
    duration_patterns=duration_patterns,
    holiday_lines=holiday_lines,
    holiday_rows=holiday_rows,
    target_text=target_text,
)

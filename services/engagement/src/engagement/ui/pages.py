"""Server-rendered pages of the engagement service under /engagement/: the manager and team
pickers, the weekly, team and monthly boards, an account's plan and the visit log forms.

Forms post as application/x-www-form-urlencoded. They are checked by the JSON API's own request
models and run the same command handlers, so a page refuses what the API refuses, with the same
4xx status, and the message is shown on the page; nothing is changed. The boards' actions post
with htmx and get the board's live part back; without JavaScript they redirect back to the
board (post/redirect/get).

Each page needs a signed-in user with the API's roles and shows only the boards, plans and
items in their scope (another's is "not found", as in the API); who acts is the signed-in user,
and every form carries its CSRF token.
"""

import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, get_args
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from chassis.audit import audit_page_context
from chassis.auth import Managers, Role, csrf_protected
from chassis.errors import InvalidInput, NotFound, Problem, RapportError
from chassis.http import parse_form, status_of
from chassis.i18n import _, money, number
from chassis.web import templates as shared_templates
from engagement.api.dependencies import (
    Caller,
    EngagementApp,
    PageAdministrator,
    PageReader,
    PageTeamReader,
    PageWorker,
    ReadUow,
    Today,
)
from engagement.api.routes import log_visit_command
from engagement.api.schemas import CancelIn, FeedbackIn, RescheduleIn, VisitIn
from engagement.bootstrap import Engagement
from engagement.domain.care import parse_care_trigger
from engagement.domain.plan import OPEN_STATES, CancelReason, RescheduleReason
from engagement.domain.visits import CHANNELS, OUTCOMES, FeedbackContext
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement.service_layer.audit import CONTACT_NAMES, VISIT_LOG, reads, record_reads
from engagement.service_layer.planning import CARE_ORIGINS
from engagement.service_layer.views import (
    account_plan,
    month_of,
    monthly_board,
    team_board,
    weekly_board,
    with_tier,
)
from engagement.ui.labels import SECTIONS, board_day, label, month_name, note_of

STATIC_PREFIX = "/engagement/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)
# Every form carries the session's CSRF token (`csrf_input()`); a post without it is a 403.
router = APIRouter(
    prefix="/engagement", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)

Form = dict[str, str]
M = TypeVar("M", bound=BaseModel)

# The API's staff ids and months (its path parameters), checked here so a bad one is a page.
STAFF_ID = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
# Rapport itself moves and cancels items for these reasons (merges, re-plans); people give
# the others.
SYSTEM_REASONS = ("merged", "replanned")
RESCHEDULE_REASONS = [r for r in get_args(RescheduleReason) if r not in SYSTEM_REASONS]
CANCEL_REASONS = [r for r in get_args(CancelReason) if r not in SYSTEM_REASONS]
FEEDBACK_CONTEXTS = get_args(FeedbackContext)
# The log form's fields that go to the API's visit model as they are (blank means not given).
VISIT_FIELDS = (
    "visit_id",
    "occurred_on",
    "channel",
    "contact_ref",
    "duration_minutes",
    "outcome",
    "notes",
    "csat",
    "nps",
)
# Scores are integers to the API (a JSON `"4"` is refused); the forms' are digits.
SCORE_FIELDS = ("csat", "nps")


def may(request: Request, *roles: Role) -> bool:
    """Whether the signed-in caller of this page holds one of `roles` (forms are shown only to
    those who may submit them)."""
    caller = getattr(request.state, "caller", None)
    return isinstance(caller, Caller) and caller.can(*roles)


templates.env.globals.update(
    may=may,
    sections=SECTIONS,
    actionable_states=(*OPEN_STATES, "missed"),
    reschedule_reasons=RESCHEDULE_REASONS,
    cancel_reasons=CANCEL_REASONS,
    channels=CHANNELS,
    outcomes=OUTCOMES,
    feedback_contexts=FEEDBACK_CONTEXTS,
    one_day=timedelta(days=1),
    label=label,
    note_of=note_of,
    month_name=month_name,
)


def share_filter(share: float | None) -> str:
    """A share in the locale's numbers: `85%`."""
    return "—" if share is None else number(share, "#,##0%")


def amount_filter(amount: Decimal, currency: str = "CNY") -> str:
    """Money: yuan as `¥1,250.00`; a target set in another currency with its code."""
    return money(amount) if currency == "CNY" else f"{number(amount, '#,##0.00')} {currency}"


templates.env.filters.update(share=share_filter, amount=amount_filter, day=board_day)


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status)


def refused(request: Request, error: RapportError) -> HTMLResponse:
    """A page that says why nothing is shown: the API's status for the same refusal."""
    status = status_of(error)
    return page(request, "refused.html", {"error": error.message, "status_code": status}, status)


async def with_contacts(
    app: Engagement, rows: Iterable[dict[str, Any]], *, user: str, purpose: str
) -> None:
    """Give each birthday or anniversary touch its `contact`: the name (or date label) on the
    card from accounts' API, else its card reference and why there is no name. One request per
    account; accounts being down never fails the page."""
    care = [row for row in rows if row["origin"] in CARE_ORIGINS and row["trigger"]]
    if not care:
        return
    shown = {row["account_id"] for row in care}
    cards = await app.cards.names(shown, user=user, purpose=purpose)
    await record_reads(
        app.uow(), reads(shown, CONTACT_NAMES, actor=user, purpose=purpose, at=app.clock.now())
    )
    for row in care:
        reference = parse_care_trigger(row["trigger"])[1]
        card = cards[row["account_id"]]
        name = card.names.get(reference)
        note = None
        if name is None:
            note = (
                _("no longer on the card")
                if card.answered
                else _("name unavailable: accounts did not answer")
            )
        row["contact"] = {"reference": reference, "name": name, "note": note}


def from_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


async def form_of(request: Request) -> Form:
    return parse_form(await request.body())


def with_scores(data: dict[str, Any]) -> dict[str, Any]:
    """The form's scores as numbers when they are digits (anything else the model refuses)."""
    return {
        name: int(value) if name in SCORE_FIELDS and value.isdecimal() else value
        for name, value in data.items()
    }


def validated(model: type[M], data: dict[str, Any], what: str) -> M:
    """The form's fields as the API's request model, or one InvalidInput naming each problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(".".join(str(part) for part in e["loc"]) or what, e["msg"])
            for e in exc.errors()
        ]
        summary = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        message = _("invalid %(what)s: %(problems)s") % {"what": what, "problems": summary}
        raise InvalidInput(message, details=problems) from None


def staff_id(text: str, missing: str) -> str:
    """`text` when it can be a staff id; else NotFound with `missing` (`%(id)r`, translated)."""
    if not STAFF_ID.match(text):
        raise NotFound(missing % {"id": text})
    return text


def day_of(text: str | None) -> date | None:
    """A board's `on` day (YYYY-MM-DD), None when not given."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("%(text)r is not a day (YYYY-MM-DD)") % {"text": text}) from None


def weekly_url(manager: str, on: date | None = None) -> str:
    return f"/engagement/boards/weekly/{manager}" + (f"?on={on.isoformat()}" if on else "")


def on_query(request: Request) -> date | None:
    return day_of(request.query_params.get("on"))


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, uow: ReadUow, who: PageReader, today: Today) -> HTMLResponse:
    """Pick a manager's board or a team's, of those in scope."""
    return page(
        request,
        "home.html",
        {
            "managers": await uow.queries.managers(managers=who.managers),
            "teams": (
                await uow.teams.all(managers=who.managers) if who.can("supervisor", "admin") else {}
            ),
            "month": today.replace(day=1),
        },
    )


@router.get("/accounts", response_class=HTMLResponse)
async def find_account(request: Request, who: PageReader) -> Response:
    """The home page's "open an account's plan" form."""
    account_id = request.query_params.get("account_id", "").strip()
    if not account_id:
        return refused(request, InvalidInput(_("say which account: its id, e.g. C-1001")))
    return RedirectResponse(f"/engagement/accounts/{quote(account_id, safe='')}", status_code=303)


# The weekly board.


async def render_weekly(
    request: Request,
    app: Engagement,
    who: Caller,
    *,
    manager: str,
    on: date | None,
    today: date,
    live: bool,
    error: RapportError | None = None,
) -> HTMLResponse:
    """The board, whole or only its live part; with `error`, the refusal above the items and
    its status."""
    async with app.uow() as uow:
        board = await weekly_board(uow, manager=manager, today=on or today, weights=app.weights)
    await with_contacts(
        app,
        [*(row for rows in board.sections.values() for row in rows), *board.skipped],
        user=who.actor,
        purpose="care touches on the weekly board",
    )
    context = {
        "board": board,
        "on": on,
        "today": today,
        "base": f"/engagement/boards/weekly/{manager}",
        "month": board.today.strftime("%Y-%m"),
        "refresh_seconds": app.settings.board_refresh_seconds,
        "updated": app.clock.now().astimezone(app.settings.zone),
        "error": error.message if error else None,
    }
    status = status_of(error) if error else 200
    return page(request, "weekly_live.html" if live else "weekly.html", context, status=status)


@router.get("/boards/weekly/{manager}", response_class=HTMLResponse)
async def weekly(
    request: Request, app: EngagementApp, who: PageReader, today: Today, manager: str
) -> HTMLResponse:
    return await weekly_page(request, app, who, manager=manager, today=today, live=False)


@router.get("/boards/weekly/{manager}/live", response_class=HTMLResponse)
async def weekly_live(
    request: Request, app: EngagementApp, who: PageReader, today: Today, manager: str
) -> HTMLResponse:
    """The board's live part, fetched by htmx every few seconds."""
    return await weekly_page(request, app, who, manager=manager, today=today, live=True)


async def weekly_page(
    request: Request, app: Engagement, who: Caller, *, manager: str, today: date, live: bool
) -> HTMLResponse:
    try:
        on = on_query(request)
        who.require_sees(staff_id(manager, _("no manager %(id)r")))
    except RapportError as error:
        return refused(request, error)
    return await render_weekly(request, app, who, manager=manager, on=on, today=today, live=live)


async def confirm(app: Engagement, item_id: str, who: Caller, form: Form) -> None:
    await actions.confirm_item(
        uow=app.uow(), command=c.ConfirmItem(item_id, who.actor, who.managers), clock=app.clock
    )


async def reschedule(app: Engagement, item_id: str, who: Caller, form: Form) -> None:
    body = validated(
        RescheduleIn,
        {
            "due_on": form.get("due_on") or None,
            "requested_by": form.get("requested_by"),
            "reason": form.get("reason"),
        },
        _("reschedule form"),
    )
    await actions.reschedule_item(
        uow=app.uow(),
        command=c.RescheduleItem(
            item_id=item_id,
            due_on=body.due_on,
            requested_by=body.requested_by,
            reason=body.reason,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
        settings=app.plan,
    )


async def cancel(app: Engagement, item_id: str, who: Caller, form: Form) -> None:
    body = validated(
        CancelIn,
        {
            "cancelled_by": form.get("cancelled_by") or "customer",
            "reason": form.get("reason") or "customer_cancelled",
        },
        _("cancel form"),
    )
    await actions.cancel_item(
        uow=app.uow(),
        command=c.CancelItem(
            item_id=item_id,
            cancelled_by=body.cancelled_by,
            reason=body.reason,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
        settings=app.plan,
    )


ItemAction = Callable[[Engagement, str, Caller, Form], Awaitable[None]]
ITEM_ACTIONS: dict[str, ItemAction] = {
    "confirm": confirm,
    "reschedule": reschedule,
    "cancel": cancel,
}


@router.post("/boards/weekly/{manager}/items/{item_id}/{action}")
async def item_action(
    request: Request,
    app: EngagementApp,
    who: PageWorker,
    today: Today,
    manager: str,
    item_id: str,
    action: str,
) -> Response:
    """One of the board's item buttons, acting as the signed-in user."""
    run = ITEM_ACTIONS.get(action)
    if run is None or not STAFF_ID.match(manager):
        message = _("no action %(action)r on the board of %(manager)r")
        return refused(request, NotFound(message % {"action": action, "manager": manager}))
    try:
        who.require_sees(manager)
    except RapportError as error:
        return refused(request, error)
    live = from_htmx(request)
    on = None
    try:
        form = await form_of(request)
        on = day_of(form.get("on"))
        await run(app, item_id, who, form)
    except RapportError as error:
        if isinstance(error, NotFound) and not live:
            return refused(request, error)
        return await render_weekly(
            request, app, who, manager=manager, on=on, today=today, live=live, error=error
        )
    if live:
        return await render_weekly(
            request, app, who, manager=manager, on=on, today=today, live=True
        )
    return RedirectResponse(weekly_url(manager, on), status_code=303)


# The team and monthly boards.


async def team_context(
    app: Engagement, uow: ReadUow, who: Caller, *, team: str, on: date | None, today: date
) -> dict[str, Any] | None:
    board = await team_board(
        uow, team=team, managers_in_scope=who.managers, today=on or today, weights=app.weights
    )
    if board is None:
        return None
    await with_contacts(
        app,
        (row for rows in board.sections.values() for row in rows),
        user=who.actor,
        purpose="care touches on the team board",
    )
    return {
        "board": board,
        "on": on,
        "base": f"/engagement/boards/team/{team}",
        "month": board.today.strftime("%Y-%m"),
        "refresh_seconds": app.settings.board_refresh_seconds,
        "updated": app.clock.now().astimezone(app.settings.zone),
    }


@router.get("/boards/team/", response_class=HTMLResponse)
async def teams(request: Request, uow: ReadUow, who: PageTeamReader) -> HTMLResponse:
    return page(request, "teams.html", {"teams": await uow.teams.all(managers=who.managers)})


@router.get("/boards/team/{team}", response_class=HTMLResponse)
async def team(
    request: Request, app: EngagementApp, uow: ReadUow, who: PageTeamReader, today: Today, team: str
) -> HTMLResponse:
    return await render_team(request, app, uow, who, team=team, today=today, live=False)


@router.get("/boards/team/{team}/live", response_class=HTMLResponse)
async def team_live(
    request: Request, app: EngagementApp, uow: ReadUow, who: PageTeamReader, today: Today, team: str
) -> HTMLResponse:
    """The team board's live part, fetched by htmx every few seconds."""
    return await render_team(request, app, uow, who, team=team, today=today, live=True)


async def render_team(
    request: Request,
    app: Engagement,
    uow: ReadUow,
    who: Caller,
    *,
    team: str,
    today: date,
    live: bool,
) -> HTMLResponse:
    try:
        on = on_query(request)
        missing = _("no team %(id)r")
        context = await team_context(
            app, uow, who, team=staff_id(team, missing), on=on, today=today
        )
        if context is None:
            raise NotFound(missing % {"id": team})
    except RapportError as error:
        return refused(request, error)
    return page(request, "team_live.html" if live else "team.html", context)


def month_start(text: str) -> date:
    found = MONTH.match(text)
    if found is None or int(found[1]) < 1:
        raise NotFound(_("no month %(text)r (YYYY-MM)") % {"text": text})
    return date(int(found[1]), int(found[2]), 1)


@router.get("/boards/monthly/{manager}/{month}", response_class=HTMLResponse)
async def monthly(
    request: Request,
    app: EngagementApp,
    uow: ReadUow,
    who: PageReader,
    today: Today,
    manager: str,
    month: str,
) -> HTMLResponse:
    try:
        first = month_start(month)
        board = await monthly_board(
            uow,
            manager=who.require_sees(staff_id(manager, _("no manager %(id)r"))),
            month=first,
            today=today,
            weights=app.weights,
        )
    except RapportError as error:
        return refused(request, error)
    await with_contacts(
        app,
        (row for _, rows in board.weeks for row in rows),
        user=who.actor,
        purpose="care touches on the monthly board",
    )
    previous = month_of(first - timedelta(days=1))
    following = month_of(first + timedelta(days=31))
    return page(
        request,
        "monthly.html",
        {
            "board": board,
            "today": today,
            "previous": previous.strftime("%Y-%m"),
            "next": following.strftime("%Y-%m"),
        },
    )


# An account's plan, its feedback form and the visit log forms.


async def render_account(
    request: Request,
    app: Engagement,
    who: Caller,
    account_id: str,
    *,
    today: date,
    form: Form | None = None,
    error: RapportError | None = None,
) -> HTMLResponse:
    async with app.uow() as uow:
        plan = await account_plan(uow, account_id=account_id, managers=who.managers, today=today)
    if plan is None:
        return refused(request, NotFound(_("no account %(id)r") % {"id": account_id}))
    await with_contacts(
        app,
        [*plan.items, *plan.skipped],
        user=who.actor,
        purpose="care touches on the account plan",
    )
    if plan.visits:
        await record_reads(
            app.uow(),
            reads(
                [account_id],
                VISIT_LOG,
                actor=who.actor,
                purpose="the account's plan page",
                at=app.clock.now(),
            ),
        )
    context = {
        "plan": plan,
        "today": today,
        "form": form or {},
        "error": error.message if error else None,
    }
    return page(request, "account.html", context, status=status_of(error) if error else 200)


@router.get("/audit", response_class=HTMLResponse)
async def audit(request: Request, uow: ReadUow, who: PageAdministrator) -> HTMLResponse:
    """The admin's audit of every read and change of personal data in engagement."""
    context, status = await audit_page_context(
        dict(request.query_params), uow.access_log, "/engagement/audit"
    )
    return page(request, "personal_data_audit.html", context, status=status)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
async def account(
    request: Request, app: EngagementApp, who: PageReader, today: Today, account_id: str
) -> HTMLResponse:
    return await render_account(request, app, who, account_id, today=today)


@router.post("/accounts/{account_id}/feedback")
async def record_feedback(
    request: Request, app: EngagementApp, who: PageWorker, today: Today, account_id: str
) -> Response:
    form: Form = {}
    try:
        form = await form_of(request)
        fields = ("context", "csat", "nps")
        data = {name: form[name].strip() for name in fields if form.get(name, "").strip()}
        body = validated(
            FeedbackIn, {**with_scores(data), "account_id": account_id}, _("feedback form")
        )
        await actions.record_feedback(
            uow=app.uow(),
            command=c.RecordFeedback(
                account_id=body.account_id,
                context=body.context,
                csat=body.csat,
                nps=body.nps,
                actor=who.actor,
                managers=who.managers,
            ),
            clock=app.clock,
        )
    except RapportError as error:
        return await render_account(
            request, app, who, account_id, today=today, form=form, error=error
        )
    return RedirectResponse(f"/engagement/accounts/{account_id}", status_code=303)


def visit_body(form: Form, *, account_id: str, item_id: str | None) -> VisitIn:
    """The log form as the API's visit: a next step when it has a day."""
    data: dict[str, Any] = {
        name: form[name].strip() for name in VISIT_FIELDS if form.get(name, "").strip()
    }
    if form.get("next_step_on", "").strip():
        data["next_step"] = {
            "kind": form.get("next_step_kind", "call"),
            "due_on": form["next_step_on"].strip(),
            "note": form.get("next_step_note", "").strip(),
        }
    elif form.get("next_step_note", "").strip():
        raise InvalidInput(
            _("the next step needs a day"), details=[Problem("next_step_on", _("a day"))]
        )
    data = {**with_scores(data), "account_id": account_id, "item_id": item_id}
    return validated(VisitIn, data, _("visit form"))


def new_visit_form(*, channel: str, today: date) -> Form:
    """A blank log form; its visit id makes a second submission of it a refusal, not a
    second visit."""
    return {
        "visit_id": f"VIS-{uuid.uuid4().hex[:16].upper()}",
        "occurred_on": today.isoformat(),
        "channel": channel,
        "duration_minutes": "30",
    }


async def render_log_form(
    request: Request,
    app: Engagement,
    who: Caller,
    *,
    account: dict[str, Any],
    item: dict[str, Any] | None,
    form: Form,
    today: date,
    error: RapportError | None = None,
) -> HTMLResponse:
    if item is not None:
        await with_contacts(app, [item], user=who.actor, purpose="logging a care touch")
    action = (
        f"/engagement/items/{item['item_id']}/log"
        if item
        else f"/engagement/accounts/{account['account_id']}/log"
    )
    context = {
        "account": account,
        "item": item,
        "form": form,
        "action": action,
        "today": today,
        "error": error.message if error else None,
    }
    return page(request, "log_visit.html", context, status=status_of(error) if error else 200)


async def logged_item(app: Engagement, item_id: str, managers: Managers) -> dict[str, Any]:
    async with app.uow() as uow:
        row = await uow.queries.item(item_id, managers=managers)
    if row is None:
        raise NotFound(_("no plan item %(id)r") % {"id": item_id})
    return with_tier(row)


def back_to(back: str | None, item: dict[str, Any]) -> str:
    """Where a logged item's form returns: the page it was opened from (one of ours), else its
    owner's board, else its account's plan."""
    if back and back.startswith("/engagement/"):
        return back
    if item["owner"]:
        return weekly_url(item["owner"])
    return f"/engagement/accounts/{item['account_id']}"


@router.get("/items/{item_id}/log", response_class=HTMLResponse)
async def log_item_form(
    request: Request, app: EngagementApp, who: PageWorker, today: Today, item_id: str
) -> HTMLResponse:
    try:
        item = await logged_item(app, item_id, who.managers)
    except RapportError as error:
        return refused(request, error)
    form = new_visit_form(channel="on_site" if item["kind"] == "visit" else "phone", today=today)
    form["back"] = back_to(request.query_params.get("back"), item)
    account = {"account_id": item["account_id"], "name": item["account_name"]}
    return await render_log_form(
        request, app, who, account=account, item=item, form=form, today=today
    )


@router.post("/items/{item_id}/log")
async def log_item(
    request: Request, app: EngagementApp, who: PageWorker, today: Today, item_id: str
) -> Response:
    """Log the contact of a planned item: the item is done, its next step planned."""
    try:
        item = await logged_item(app, item_id, who.managers)
    except RapportError as error:
        return refused(request, error)
    account = {"account_id": item["account_id"], "name": item["account_name"]}
    return await submit_log_form(request, app, who, account=account, item=item, today=today)


async def submit_log_form(
    request: Request,
    app: Engagement,
    who: Caller,
    *,
    account: dict[str, Any],
    item: dict[str, Any] | None,
    today: date,
) -> Response:
    """Log the posted contact; back where the form came from, or the form with the refusal."""
    form: Form = {}
    try:
        form = await form_of(request)
        body = visit_body(
            form, account_id=account["account_id"], item_id=item["item_id"] if item else None
        )
        await actions.log_visit(
            uow=app.uow(), command=log_visit_command(body, who), clock=app.clock, settings=app.plan
        )
    except RapportError as error:
        return await render_log_form(
            request, app, who, account=account, item=item, form=form, today=today, error=error
        )
    if item is None:
        return RedirectResponse(f"/engagement/accounts/{account['account_id']}", status_code=303)
    return RedirectResponse(back_to(form.get("back"), item), status_code=303)


async def known_account(app: Engagement, account_id: str, managers: Managers) -> dict[str, Any]:
    async with app.uow() as uow:
        found = await uow.queries.account(account_id, managers=managers)
    if found is None or not found["registered"]:
        raise NotFound(_("no account %(id)r") % {"id": account_id})
    return found


@router.get("/accounts/{account_id}/log", response_class=HTMLResponse)
async def log_contact_form(
    request: Request, app: EngagementApp, who: PageWorker, today: Today, account_id: str
) -> HTMLResponse:
    """Log a contact that was not on the plan."""
    try:
        found = await known_account(app, account_id, who.managers)
    except RapportError as error:
        return refused(request, error)
    form = new_visit_form(channel="phone", today=today)
    return await render_log_form(
        request, app, who, account=found, item=None, form=form, today=today
    )


@router.post("/accounts/{account_id}/log")
async def log_contact(
    request: Request, app: EngagementApp, who: PageWorker, today: Today, account_id: str
) -> Response:
    try:
        found = await known_account(app, account_id, who.managers)
    except RapportError as error:
        return refused(request, error)
    return await submit_log_form(request, app, who, account=found, item=None, today=today)

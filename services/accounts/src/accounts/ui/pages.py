"""Server-rendered pages of the accounts service under /accounts/: the list, the account page,
the relationship card (edit, history, as of a date) and the tier explanation.

Each page needs a signed-in user with the API's roles and shows only the accounts in their
scope (another's is "not found", as in the API); every form carries its CSRF token."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import AccountsApp, Caller, PageReader, PageWorker, ReadUow
from accounts.api.routes import submitted_card
from accounts.api.schemas import AccountSearch, CardIn, ProspectIn
from accounts.domain.cards import is_key_account, stale_after
from accounts.domain.vip import Actor
from accounts.service_layer.accounts import register_prospect, set_referral
from accounts.service_layer.cards import read_card, read_card_history, review_card, save_card
from accounts.service_layer.commands import (
    RecordConsent,
    RegisterProspect,
    ReviewCard,
    SaveCard,
    SetReferral,
)
from accounts.service_layer.explanation import explain_account
from accounts.service_layer.privacy import current_consents, read_consents, record_consent
from accounts.service_layer.summary import purchase_summary
from accounts.ui.forms import STATIC_PREFIX, done, error_status, error_text, form_data, render
from chassis.auth import csrf_protected
from chassis.errors import RapportError
from chassis.i18n import N_, _

__all__ = ["STATIC_PREFIX", "router"]

# Every form carries the session's CSRF token (`csrf_input()`); a post without it is a 403.
router = APIRouter(
    prefix="/accounts", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("account_id", N_("Id"), False),
    ("name", N_("Account"), False),
    ("region", N_("Region"), False),
    ("segment", N_("Segment"), False),
    ("order_count_12m", N_("Orders 12m"), True),
    ("net_revenue_12m", N_("Net revenue 12m"), True),
    ("value_class", N_("Value"), False),
    ("frequency_class", N_("Frequency"), False),
    ("abc_class", N_("ABC"), False),
    ("grade", N_("Grade"), False),
    ("lifecycle_stage", N_("Stage"), False),
)
STAGES = ("prospect", "new", "active", "at_risk", "dormant")


@router.get("/", response_class=HTMLResponse)
async def account_list(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader
) -> HTMLResponse:
    # `lang` is the language switch's (chassis.i18n), not a filter; the cookie keeps the choice.
    params = {
        key: value for key, value in request.query_params.items() if value != "" and key != "lang"
    }
    context: dict[str, Any] = {
        "columns": COLUMNS,
        "params": params,
        "regions": await uow.queries.distinct_values("region", managers=who.managers),
        "segments": await uow.queries.distinct_values("segment", managers=who.managers),
        "stages": STAGES,
        "currency": app.settings.currency,
    }
    try:
        search = AccountSearch.model_validate(params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'query'}: {e['msg']}" for e in exc.errors()
        )
        context.update(
            error=_("Invalid filter: %(problems)s") % {"problems": problems},
            rows=[],
            total=0,
            search=AccountSearch(),
        )
        return render(request, "accounts_list.html", context, status_code=422)
    rows, total = await uow.queries.search(
        filters=search.filters(),
        text_query=search.q,
        sort=search.sort,
        descending=search.order == "desc",
        page=search.page,
        page_size=search.page_size,
        managers=who.managers,
    )
    pages = max(1, -(-total // search.page_size))
    context.update(rows=rows, total=total, search=search, pages=pages)
    return render(request, "accounts_list.html", context)


@router.get("/new", response_class=HTMLResponse)
async def prospect_form(request: Request, who: PageWorker) -> HTMLResponse:
    return render(request, "prospect_form.html", {"values": dict(request.query_params)})


@router.post("/new", response_class=HTMLResponse)
async def create_prospect(request: Request, app: AccountsApp, who: PageWorker) -> Response:
    form = await form_data(request)
    try:
        body = ProspectIn.model_validate(
            {
                key: form.get(key, "").strip() or None
                for key in (
                    "account_id",
                    "name",
                    "region",
                    "country",
                    "segment",
                    "address",
                    "account_manager",
                    "referred_by",
                )
                if form.get(key, "").strip()
            }
        )
        who.require_covers(body.account_manager or who.principal.user_id)
        account_id = await register_prospect(
            uow=app.uow(),
            command=RegisterProspect(
                **{**body.model_dump(), "account_id": body.account_id or ""}, actor=who.actor
            ),
            now=app.clock.now(),
            rules=app.rules,
        )
    except (RapportError, ValidationError) as exc:
        context = {"values": form, "error": error_text(exc)}
        return render(request, "prospect_form.html", context, status_code=error_status(exc))
    return done(f"/accounts/{account_id}")


def _not_found(request: Request, account_id: str) -> HTMLResponse:
    return render(
        request,
        "not_found.html",
        {"message": _("No account with id %(id)s.") % {"id": account_id}},
        status_code=404,
    )


async def _account_context(
    app: AccountsApp, uow: ReadUow, who: Caller, account: dict[str, Any]
) -> dict[str, Any]:
    account_id = account["account_id"]
    history = await uow.queries.tier_history(account_id)
    return {
        "account": account,
        "latest_decision": history[0] if history else None,
        "referrals": await uow.queries.referred_accounts(account_id, managers=who.managers),
        "purchases": await purchase_summary(uow=uow, account_id=account_id, now=app.clock.now()),
        "timeline": await uow.queries.timeline(account_id, app.settings.timeline_limit),
        "nominations": await uow.vip.nominations(account_id=account_id, managers=who.managers),
        "currency": app.settings.currency,
        "stale_after_days": stale_after(
            is_key_account(vip=account["vip"], grade=account["grade"]), app.rules.cards
        ).days,
    }


async def _read_card(
    app: AccountsApp,
    who: Caller,
    account_id: str,
    *,
    purpose: str,
    as_of: datetime | None = None,
) -> dict[str, Any]:
    """The card as the signed-in user sees it (now, or as of a moment); the read is audited."""
    return await read_card(
        uow=app.uow(),
        account_id=account_id,
        as_of=as_of,
        actor=who.actor.user,
        purpose=purpose,
        now=app.clock.now(),
    )


async def _card_and_consents(app: AccountsApp, who: Caller, account_id: str) -> dict[str, Any]:
    """What the account page shows of the card: the card and each contact's consent in force
    (both reads are audited)."""
    consents = await read_consents(
        uow=app.uow(),
        account_id=account_id,
        actor=who.actor.user,
        purpose="account page",
        now=app.clock.now(),
    )
    return {
        "card": await _read_card(app, who, account_id, purpose="account page"),
        "consents": current_consents(consents),
    }


@router.get("/{account_id}", response_class=HTMLResponse)
async def account_detail(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader, account_id: str
) -> HTMLResponse:
    account = await uow.queries.get(account_id, managers=who.managers)
    if account is None:
        return _not_found(request, account_id)
    context = await _account_context(app, uow, who, account)
    context.update(await _card_and_consents(app, who, account_id))
    context["error"] = request.query_params.get("error")
    return render(request, "account_detail.html", context)


async def account_action(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    who: Caller,
    account_id: str,
    action: Callable[[Actor, dict[str, Any]], Awaitable[None]],
) -> Response:
    """Run a form action of the account page, on an account in the caller's scope (else "not
    found"); on a refusal, show the page with the message."""
    account = await uow.queries.get(account_id, managers=who.managers)
    if account is None:
        return _not_found(request, account_id)
    form = await form_data(request)
    try:
        await action(who.actor, form)
    except (RapportError, ValidationError) as exc:
        context = await _account_context(app, uow, who, account)
        context.update(await _card_and_consents(app, who, account_id))
        context["error"] = error_text(exc)
        context["values"] = form
        return render(request, "account_detail.html", context, status_code=error_status(exc))
    return done(f"/accounts/{account_id}")


@router.post("/{account_id}/card/review", response_class=HTMLResponse)
async def review(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageWorker, account_id: str
) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await review_card(
            uow=app.uow(),
            command=ReviewCard(account_id, actor, form.get("note", "")),
            now=app.clock.now(),
            rules=app.rules,
        )

    return await account_action(request, app, uow, who, account_id, act)


@router.post("/{account_id}/contacts/{contact_id}/consent", response_class=HTMLResponse)
async def consent(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    who: PageWorker,
    account_id: str,
    contact_id: str,
) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await record_consent(
            uow=app.uow(),
            command=RecordConsent(
                account_id,
                contact_id,
                form.get("state", ""),
                form.get("channel", ""),
                form.get("note", ""),
                actor,
            ),
            now=app.clock.now(),
        )

    return await account_action(request, app, uow, who, account_id, act)


@router.post("/{account_id}/referral", response_class=HTMLResponse)
async def referral(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageWorker, account_id: str
) -> Response:
    async def act(actor: Actor, form: dict[str, Any]) -> None:
        await set_referral(
            uow=app.uow(),
            command=SetReferral(account_id, form.get("referred_by", "").strip() or None, actor),
            now=app.clock.now(),
            rules=app.rules,
        )

    return await account_action(request, app, uow, who, account_id, act)


# --- the card editor ---------------------------------------------------------------------------

CONTACT_FIELDS = (
    "contact_id",
    "name",
    "position",
    "work_unit",
    "phone",
    "email",
    "address",
    "birthday",
    "preferred_channel",
    "call_window_start",
    "call_window_end",
)


def _rows(
    form: dict[str, Any], prefix: str, fields: tuple[str, ...], flags: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Indexed form rows (`contacts-0-name`, ...): removed and blank rows are dropped."""
    rows = []
    index = 0
    while any(f"{prefix}-{index}-{name}" in form for name in fields):
        values = {name: form.get(f"{prefix}-{index}-{name}", "").strip() for name in fields}
        checked = {flag: f"{prefix}-{index}-{flag}" in form for flag in flags}
        index += 1
        if form.get(f"{prefix}-{index - 1}-remove") or not any(
            value for name, value in values.items() if not name.endswith("_id")
        ):
            continue
        rows.append({**{k: v for k, v in values.items() if v != ""}, **checked})
    return rows


def card_from_form(form: dict[str, Any]) -> CardIn:
    """The editor's fields as the API's card (the same validation applies)."""

    def listed(name: str) -> list[str]:
        return [part.strip() for part in form.get(name, "").split(",") if part.strip()]

    return CardIn.model_validate(
        {
            "contacts": _rows(form, "contacts", CONTACT_FIELDS, ()),
            "preferences": {
                "product_categories": listed("product_categories"),
                "brands": listed("brands"),
                "price_sensitivity": form.get("price_sensitivity", ""),
                "payment_habits": form.get("payment_habits", ""),
                "delivery_habits": form.get("delivery_habits", ""),
            },
            "important_dates": _rows(form, "dates", ("date_id", "label", "on"), ("recurring",)),
            "notes": _rows(form, "notes", ("note_id", "text", "purpose"), ()),
            "expected_version": _form_integer(form.get("expected_version", "")),
        }
    )


def _form_integer(value: str) -> int | str | None:
    """A form's digits as the JSON integer the API's schema takes; anything else stays text,
    which the schema refuses with its message; empty is none."""
    return int(value) if value.isdigit() else (value or None)


def _time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


@router.get("/{account_id}/card", response_class=HTMLResponse)
async def card_editor(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageWorker, account_id: str
) -> HTMLResponse:
    account = await uow.queries.get(account_id, managers=who.managers)
    if account is None:
        return _not_found(request, account_id)
    card = await _read_card(app, who, account_id, purpose="card maintenance")
    return render(
        request, "card_form.html", {"account": account, "card": card, "hhmm": _time, "form": None}
    )


@router.post("/{account_id}/card", response_class=HTMLResponse)
async def save_card_form(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageWorker, account_id: str
) -> Response:
    account = await uow.queries.get(account_id, managers=who.managers)
    if account is None:
        return _not_found(request, account_id)
    form = await form_data(request)
    try:
        card = card_from_form(form)
        await save_card(
            uow=app.uow(),
            command=SaveCard(account_id, submitted_card(card), card.expected_version, who.actor),
            now=app.clock.now(),
            rules=app.rules,
        )
    except (RapportError, ValidationError) as exc:
        stored = await _read_card(app, who, account_id, purpose="card maintenance")
        context = {
            "account": account,
            "card": stored,
            "hhmm": _time,
            "form": form,
            "error": error_text(exc),
        }
        return render(request, "card_form.html", context, status_code=error_status(exc))
    return done(f"/accounts/{account_id}")


@router.get("/{account_id}/card/history", response_class=HTMLResponse)
async def card_history(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader, account_id: str
) -> HTMLResponse:
    account = await uow.queries.get(account_id, managers=who.managers)
    if account is None:
        return _not_found(request, account_id)
    history = await read_card_history(
        uow=app.uow(),
        account_id=account_id,
        actor=who.actor.user,
        purpose="card history",
        now=app.clock.now(),
    )
    context: dict[str, Any] = {
        "account": account,
        **history,
        "as_of": request.query_params.get("as_of", ""),
    }
    if context["as_of"]:
        try:
            moment = datetime.fromisoformat(context["as_of"])
        except ValueError:
            context["error"] = _("%(value)r is not a date, e.g. 2026-11-01 or 2026-11-01T12:00") % {
                "value": context["as_of"]
            }
            return render(request, "card_history.html", context, status_code=422)
        if moment.tzinfo is None:
            # A bare date means the end of that day (UTC): the card as it was that evening.
            moment = moment.replace(tzinfo=UTC)
            if len(context["as_of"]) == 10:
                moment = moment.replace(hour=23, minute=59, second=59)
        context["card_as_of"] = await _read_card(
            app, who, account_id, purpose="card history", as_of=moment
        )
        context["as_of_moment"] = moment
    return render(request, "card_history.html", context)


@router.get("/{account_id}/explanation", response_class=HTMLResponse)
async def explanation(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageReader, account_id: str
) -> HTMLResponse:
    if await uow.queries.get(account_id, managers=who.managers) is None:
        return _not_found(request, account_id)
    try:
        result = await explain_account(
            uow=uow, account_id=account_id, now=app.clock.now(), rules=app.rules
        )
    except RapportError:
        return _not_found(request, account_id)
    return render(request, "explanation.html", {"x": result, "currency": app.settings.currency})

"""What every page needs: the templates, who is acting, and errors shown on the page.

There is no login yet: each form says who acts (`actor`, a staff id such as AM-01) and in
which role (`manager` or `supervisor`); the page remembers both in cookies to fill the next
form. Reading a card is logged under the remembered staff id.
"""

import re
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from accounts.domain.vip import Actor
from accounts.ui.labels import distribution_key, label, policy_entry, policy_key
from chassis.errors import InvalidInput, Problem, RapportError
from chassis.http import parse_form, status_of
from chassis.i18n import N_, _
from chassis.web import templates as shared_templates

STATIC_PREFIX = "/accounts/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)
templates.env.globals.update(
    label=label,
    N_=N_,
    policy_key=policy_key,
    policy_entry=policy_entry,
    distribution_key=distribution_key,
)
STAFF_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
USER_COOKIE = "rapport_user"
ROLE_COOKIE = "rapport_role"
UNIDENTIFIED = "unidentified"


def remembered(request: Request) -> dict[str, str]:
    """The staff id and role the last form used (to prefill forms)."""
    return {
        "actor": request.cookies.get(USER_COOKIE, ""),
        "role": request.cookies.get(ROLE_COOKIE, "manager"),
    }


def reader(request: Request) -> str:
    return request.cookies.get(USER_COOKIE) or UNIDENTIFIED


def form_actor(form: dict[str, Any]) -> Actor:
    user = str(form.get("actor", "")).strip()
    role = str(form.get("role", "manager"))
    if not STAFF_ID.match(user):
        raise InvalidInput(
            _("say who you are: your staff id, e.g. AM-01"),
            code="actor_required",
            details=[Problem("actor", _("a staff id of letters, digits, '.', '_' or '-'"))],
        )
    if role not in ("manager", "supervisor"):
        raise InvalidInput(_("role must be manager or supervisor"), details=[Problem("role", "")])
    return Actor(user, role)  # type: ignore[arg-type]


def error_text(error: RapportError | ValidationError) -> str:
    if isinstance(error, RapportError):
        return error.message
    problems = "; ".join(
        f"{'.'.join(str(part) for part in e['loc']) or 'form'}: {e['msg']}"
        for e in error.errors()[:8]
    )
    return _("Please correct: %(problems)s") % {"problems": problems}


def error_status(error: RapportError | ValidationError) -> int:
    return status_of(error) if isinstance(error, RapportError) else 422


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """Render a page; a refused form is shown again with who was acting as typed."""
    acting = remembered(request)
    if form is not None:
        acting = {"actor": form.get("actor", ""), "role": form.get("role", "manager")}
    return templates.TemplateResponse(
        request, template, {**context, "acting": acting}, status_code=status_code
    )


def done(url: str, actor: Actor) -> RedirectResponse:
    """After a successful form: back to a page (303), remembering who acted."""
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(USER_COOKIE, actor.user, samesite="lax")
    response.set_cookie(ROLE_COOKIE, actor.role, samesite="lax")
    return response


async def form_data(request: Request) -> dict[str, Any]:
    """The fields of a submitted form (the pages post `application/x-www-form-urlencoded`, strict UTF-8)."""
    return parse_form(await request.body())

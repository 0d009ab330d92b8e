"""What every page needs: the templates, errors shown on the page, and after a form.

Who acts is the signed-in user (decision 0016): each page's `Page*` dependency
(`accounts.api.dependencies`) checks their role and gives the `Caller`, which the templates
see as `who` to show only the actions the user may take. Every form carries `csrf_input()`.
"""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from accounts.ui.labels import distribution_key, label, policy_entry, policy_key
from chassis.errors import RapportError
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
) -> HTMLResponse:
    """Render a page, with the page's caller (its dependency put it on the request) as `who`."""
    who = getattr(request.state, "caller", None)
    return templates.TemplateResponse(
        request, template, {**context, "who": who}, status_code=status_code
    )


def done(url: str) -> RedirectResponse:
    """After a successful form: back to a page (303)."""
    return RedirectResponse(url, status_code=303)


async def form_data(request: Request) -> dict[str, Any]:
    """The fields of a submitted form (the pages post `application/x-www-form-urlencoded`, strict UTF-8)."""
    return parse_form(await request.body())

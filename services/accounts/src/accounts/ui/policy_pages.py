"""Tier policy pages: versions, a draft form, the preview of a draft, activation."""

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.api.dependencies import AccountsApp, PageAdministrator, ReadUow
from accounts.api.schemas import TierPolicyIn
from accounts.domain.tier_policy import (
    GRADES,
    INDICATORS,
    RecencyBand,
    TierPolicy,
    policy_from_document,
    policy_to_document,
)
from accounts.service_layer.commands import ActivatePolicy, DraftPolicy
from accounts.service_layer.policies import activate_policy, draft_policy, preview_policy
from accounts.ui.forms import done, error_status, error_text, form_data, render
from accounts.ui.labels import POLICY_NUMBERS
from chassis.auth import csrf_protected
from chassis.errors import RapportError
from chassis.http import IntId
from chassis.i18n import _

# The admin's pages (decision 0016); every form carries the session's CSRF token.
router = APIRouter(
    prefix="/accounts/policies", include_in_schema=False, dependencies=[Depends(csrf_protected)]
)


def policy_from_form(form: dict[str, Any]) -> TierPolicy:
    """The draft form's fields as a policy (the API's validation applies)."""
    bands = []
    for part in form.get("recency_bands", "").split(","):
        days, _, score = part.strip().partition(":")
        bands.append({"within_days": days.strip(), "score": score.strip()})
    parsed = TierPolicyIn.model_validate(
        {
            **{name: form.get(name, "") for name, _label in POLICY_NUMBERS},
            "weights": {name: form.get(f"weight_{name}", "") for name in INDICATORS},
            "recommendations": {grade: form.get(f"recommend_{grade}", "") for grade in GRADES},
            "recency_bands": bands,
        }
    )
    fields = parsed.model_dump()
    fields["recency_bands"] = tuple(RecencyBand(**band) for band in fields["recency_bands"])
    return TierPolicy(**fields)


async def _list_page(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    form: dict[str, Any] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    versions = await uow.policies.all_versions()
    active = next((v for v in versions if v["status"] == "active"), None)
    policy = (
        policy_from_document(active["document"], active["version"])
        if active
        else app.rules.default_policy
    )
    document = policy_to_document(policy)
    context = {
        "versions": versions,
        "policy": document,
        "recency_text": ", ".join(
            f"{band['within_days']}:{band['score']}" for band in document["recency_bands"]
        ),
        "numbers": POLICY_NUMBERS,
        "indicators": INDICATORS,
        "grades": GRADES,
        "form": form,
        "error": error,
        "distribution": await uow.queries.distribution(),
    }
    return render(request, "policies.html", context, status_code=status)


@router.get("/", response_class=HTMLResponse)
async def policies_page(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageAdministrator
) -> HTMLResponse:
    return await _list_page(request, app, uow)


@router.post("/", response_class=HTMLResponse)
async def create_draft(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageAdministrator
) -> Response:
    form = await form_data(request)
    try:
        version = await draft_policy(
            uow=app.uow(),
            command=DraftPolicy(policy_from_form(form), who.actor, form.get("note", "")),
            now=app.clock.now(),
            rules=app.rules,
        )
    except (RapportError, ValidationError) as exc:
        return await _list_page(request, app, uow, form, error_text(exc), error_status(exc))
    return done(f"/accounts/policies/{version}")


async def _policy_page(
    request: Request,
    app: AccountsApp,
    uow: ReadUow,
    version: int,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    row = await uow.policies.get(version)
    if row is None:
        return render(
            request,
            "not_found.html",
            {"message": _("No tier policy version %(version)s.") % {"version": version}},
            404,
        )
    preview = None
    if row["status"] == "draft":
        preview = await preview_policy(
            uow=uow, version=version, now=app.clock.now(), rules=app.rules
        )
    context = {
        "row": row,
        "policy": policy_to_document(policy_from_document(row["document"], version)),
        "preview": preview,
        "activated": request.query_params.get("activated"),
        "error": error,
    }
    return render(request, "policy_detail.html", context, status_code=status)


@router.get("/{version}", response_class=HTMLResponse)
async def policy_page(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageAdministrator, version: IntId
) -> HTMLResponse:
    return await _policy_page(request, app, uow, version)


@router.post("/{version}/activate", response_class=HTMLResponse)
async def activate(
    request: Request, app: AccountsApp, uow: ReadUow, who: PageAdministrator, version: IntId
) -> Response:
    try:
        changed = await activate_policy(
            uow=app.uow(),
            command=ActivatePolicy(version, who.actor),
            now=app.clock.now(),
            rules=app.rules,
        )
    except RapportError as exc:
        return await _policy_page(request, app, uow, version, error_text(exc), error_status(exc))
    return done(f"/accounts/policies/{version}?activated={len(changed)}")

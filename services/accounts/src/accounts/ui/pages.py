"""Server-rendered pages of the accounts service under /accounts/."""

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from accounts.api.dependencies import AccountsApp, ReadUow
from accounts.api.schemas import AccountSearch
from chassis.web import templates as shared_templates

STATIC_PREFIX = "/accounts/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)

router = APIRouter(prefix="/accounts", include_in_schema=False)

COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("account_id", "Id", False),
    ("name", "Account", False),
    ("region", "Region", False),
    ("segment", "Segment", False),
    ("order_count_12m", "Orders 12m", True),
    ("net_revenue_12m", "Net revenue 12m", True),
    ("value_class", "Value", False),
    ("frequency_class", "Frequency", False),
)


@router.get("/", response_class=HTMLResponse)
async def account_list(request: Request, app: AccountsApp, uow: ReadUow) -> HTMLResponse:
    params = {key: value for key, value in request.query_params.items() if value != ""}
    context: dict[str, Any] = {
        "columns": COLUMNS,
        "params": params,
        "regions": await uow.queries.distinct_values("region"),
        "segments": await uow.queries.distinct_values("segment"),
        "currency": app.settings.currency,
    }
    try:
        search = AccountSearch.model_validate(params)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'query'}: {e['msg']}" for e in exc.errors()
        )
        context.update(
            error=f"Invalid filter: {problems}", rows=[], total=0, search=AccountSearch()
        )
        return templates.TemplateResponse(request, "accounts_list.html", context, status_code=422)
    rows, total = await uow.queries.search(
        filters=search.filters(),
        text_query=search.q,
        sort=search.sort,
        descending=search.order == "desc",
        page=search.page,
        page_size=search.page_size,
    )
    pages = max(1, -(-total // search.page_size))
    context.update(rows=rows, total=total, search=search, pages=pages)
    return templates.TemplateResponse(request, "accounts_list.html", context)


@router.get("/{account_id}", response_class=HTMLResponse)
async def account_detail(
    request: Request, app: AccountsApp, uow: ReadUow, account_id: str
) -> HTMLResponse:
    account = await uow.queries.get(account_id)
    if account is None:
        return templates.TemplateResponse(
            request,
            "not_found.html",
            {"message": f"No account with id {account_id}."},
            status_code=404,
        )
    history = await uow.queries.tier_history(account_id)
    return templates.TemplateResponse(
        request,
        "account_detail.html",
        {"account": account, "history": history, "currency": app.settings.currency},
    )

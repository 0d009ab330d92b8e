"""The accounts JSON API under /api/v1/accounts."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from accounts.api.dependencies import AccountsApp, ReadUow
from accounts.api.schemas import AccountOut, AccountPage, AccountSearch, TierDecisionOut
from chassis.http import ApiError

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])


def account_out(row: dict[str, Any], currency: str) -> AccountOut:
    return AccountOut.model_validate({**row, "currency": currency})


async def load_account(uow: ReadUow, account_id: str) -> dict[str, Any]:
    row = await uow.queries.get(account_id)
    if row is None:
        raise ApiError(404, "account_not_found", f"no account with id {account_id!r}")
    return row


@router.get("", response_model=AccountPage, summary="List accounts, filtered, sorted and paginated")
async def list_accounts(
    app: AccountsApp, uow: ReadUow, search: Annotated[AccountSearch, Query()]
) -> AccountPage:
    rows, total = await uow.queries.search(
        filters=search.filters(),
        text_query=search.q,
        sort=search.sort,
        descending=search.order == "desc",
        page=search.page,
        page_size=search.page_size,
    )
    return AccountPage(
        items=[account_out(row, app.settings.currency) for row in rows],
        total=total,
        page=search.page,
        page_size=search.page_size,
    )


@router.get("/{account_id}", response_model=AccountOut, summary="One account")
async def get_account(app: AccountsApp, uow: ReadUow, account_id: str) -> AccountOut:
    return account_out(await load_account(uow, account_id), app.settings.currency)


@router.get(
    "/{account_id}/tier-history",
    response_model=list[TierDecisionOut],
    summary="Every tier decision of an account, newest first, with its reason and inputs",
)
async def tier_history(uow: ReadUow, account_id: str) -> list[TierDecisionOut]:
    await load_account(uow, account_id)
    return [
        TierDecisionOut.model_validate(row) for row in await uow.queries.tier_history(account_id)
    ]

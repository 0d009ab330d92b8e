"""The pages hold the API's scope and roles: another manager's account is "not found", another
team's nomination too; a manager cannot decide a VIP; the admin reads an account without the
forms only managers and supervisors may submit."""

import re

import httpx
import pytest

from accounts_fixtures import ADMIN, MANAGER, OTHER_MANAGER, OTHER_SUPERVISOR
from chassis.testing import Keycloak, unique

pytestmark = pytest.mark.integration


async def prospect_with_nomination(client: httpx.AsyncClient) -> tuple[str, int]:
    """An account of AM-01 (the client's user) with a pending VIP nomination."""
    created = await client.post("/api/v1/accounts", json={"name": unique("Scoped Co")})
    assert created.status_code == 201, created.text
    account = created.json()["account_id"]
    nominated = await client.post(
        f"/api/v1/accounts/{account}/vip-nominations", json={"reason": "steady growth"}
    )
    assert nominated.status_code == 201, nominated.text
    return account, int(nominated.json()["id"])


async def test_pages_of_another_manager_s_account_are_not_found(
    accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account, _ = await prospect_with_nomination(accounts_client)
    outsider = keycloak.bearer(OTHER_MANAGER)
    for path in ("", "/card", "/card/history", "/explanation"):
        page = await accounts_client.get(f"/accounts/{account}{path}", headers=outsider)
        assert page.status_code == 404, path
        assert f"No account with id {account}" in page.text
    posted = await accounts_client.post(
        f"/accounts/{account}/card/review", data={"note": "not mine"}, headers=outsider
    )
    assert posted.status_code == 404
    listed = await accounts_client.get("/accounts/", params={"q": account}, headers=outsider)
    assert f'data-account-id="{account}"' not in listed.text
    own = await accounts_client.get("/accounts/", params={"q": account})
    assert f'data-account-id="{account}"' in own.text


async def test_a_vip_decision_page_needs_a_supervisor_of_the_team(
    accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account, nomination = await prospect_with_nomination(accounts_client)
    decide = f"/accounts/vip/{nomination}/decide"
    by_manager = await accounts_client.post(
        decide, data={"decision": "approve"}, headers=keycloak.bearer(MANAGER)
    )
    assert by_manager.status_code == 403
    by_other_team = await accounts_client.post(
        decide, data={"decision": "approve"}, headers=keycloak.bearer(OTHER_SUPERVISOR)
    )
    assert by_other_team.status_code == 404
    vip_page = await accounts_client.get(
        "/accounts/vip/", headers=keycloak.bearer(OTHER_SUPERVISOR)
    )
    assert f'data-account-id="{account}"' not in vip_page.text
    status = await accounts_client.get(f"/api/v1/accounts/{account}")
    assert status.json()["vip"] is False


async def test_the_admin_reads_an_account_page_without_its_forms(
    accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account, _ = await prospect_with_nomination(accounts_client)
    page = await accounts_client.get(f"/accounts/{account}", headers=keycloak.bearer(ADMIN))
    assert page.status_code == 200
    assert re.findall(r'<form[^>]*method="post"', page.text) == []
    assert 'id="edit-card"' not in page.text

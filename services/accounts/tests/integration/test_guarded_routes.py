"""Every route of accounts asks who is asking, every page form checks its CSRF token, and a
page asked for by a browser nobody signed in to sends it to sign in and back."""

from urllib.parse import urlencode

import httpx
import pytest

from accounts.bootstrap import bootstrap
from accounts.config import AccountsSettings
from accounts.entrypoints.api import create
from chassis.testing import ServiceProcess, unguarded_routes

pytestmark = pytest.mark.integration


async def test_every_route_is_guarded(accounts_env: dict[str, str]) -> None:
    accounts = bootstrap(AccountsSettings(database_url=accounts_env["ACCOUNTS_DATABASE_URL"]))
    try:
        assert unguarded_routes(create(accounts)) == []
    finally:
        await accounts.dispose()


@pytest.mark.parametrize("path", ["/accounts/", "/accounts/vip/", "/accounts/reports/"])
async def test_a_page_sends_a_browser_nobody_signed_in_to_sign_in(
    accounts_api: ServiceProcess, path: str
) -> None:
    async with httpx.AsyncClient(base_url=accounts_api.base_url) as browser:
        response = await browser.get(path, params={"q": "x"})
    assert response.status_code == 303
    expected = f"/accounts/auth/login?{urlencode({'next': f'{path}?q=x'})}"
    assert response.headers["location"] == expected

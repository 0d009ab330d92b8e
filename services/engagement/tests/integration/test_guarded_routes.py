"""Every route of engagement asks who is asking, every page form checks its CSRF token, and a
page asked for by a browser nobody signed in to sends it to sign in and back."""

from urllib.parse import urlencode

import httpx
import pytest

from chassis.testing import ServiceProcess, unguarded_routes
from engagement.bootstrap import Engagement
from engagement.entrypoints.api import create

pytestmark = pytest.mark.integration


def test_every_route_is_guarded(engagement: Engagement) -> None:
    assert unguarded_routes(create(engagement)) == []


@pytest.mark.parametrize(
    "path", ["/engagement/", "/engagement/boards/weekly/AM-01", "/engagement/boards/team/"]
)
async def test_a_page_sends_a_browser_nobody_signed_in_to_sign_in(
    engagement_api: ServiceProcess, path: str
) -> None:
    async with httpx.AsyncClient(base_url=engagement_api.base_url) as browser:
        response = await browser.get(path, params={"on": "2026-12-02"})
    assert response.status_code == 303
    expected = f"/engagement/auth/login?{urlencode({'next': f'{path}?on=2026-12-02'})}"
    assert response.headers["location"] == expected


async def test_an_api_call_without_a_token_is_401_with_the_error_body(
    engagement_api: ServiceProcess,
) -> None:
    async with httpx.AsyncClient(base_url=engagement_api.base_url) as client:
        response = await client.get("/api/v1/engagement/boards/weekly/AM-01")
    assert response.status_code == 401
    assert response.json()["error"]["code"]
    assert response.headers["www-authenticate"].startswith("Bearer")

"""Every route of reporting asks who is asking, and a page asked for by a browser nobody signed
in to sends it to sign in and back."""

from urllib.parse import urlencode

import httpx
import pytest

from chassis.testing import ServiceProcess, unguarded_routes
from reporting.bootstrap import Reporting
from reporting.entrypoints.api import create

pytestmark = pytest.mark.integration


def test_every_route_is_guarded(reporting: Reporting) -> None:
    assert unguarded_routes(create(reporting)) == []


@pytest.mark.parametrize(
    "path",
    ["/reporting/", "/reporting/report", "/reporting/figures/nps/events", "/reporting/csv/kpis"],
)
async def test_a_page_sends_a_browser_nobody_signed_in_to_sign_in(
    reporting_api: ServiceProcess, path: str
) -> None:
    async with httpx.AsyncClient(base_url=reporting_api.base_url) as browser:
        response = await browser.get(path, params={"period": "2025-05"})
    assert response.status_code == 303
    expected = f"/reporting/auth/login?{urlencode({'next': f'{path}?period=2025-05'})}"
    assert response.headers["location"] == expected


async def test_the_api_without_a_token_is_401(reporting_api: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=reporting_api.base_url) as client:
        response = await client.get("/api/v1/reporting/kpis")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"

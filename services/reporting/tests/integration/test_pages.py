"""The API process serves the pages in the shared layout, with every service's navigation."""

import httpx

from chassis.testing import ServiceProcess


async def test_the_home_page_renders_with_the_site_navigation(
    reporting_api: ServiceProcess,
) -> None:
    async with httpx.AsyncClient(base_url=reporting_api.base_url) as client:
        page = await client.get("/reporting/")
    assert page.status_code == 200
    assert 'href="/reporting/" class="active"' in page.text

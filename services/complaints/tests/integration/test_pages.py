"""The pages render from the real database and their forms run the same handlers as the API."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ActingByRoute

pytestmark = pytest.mark.integration

RULES = [
    {
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
        }
    }
]


@pytest.fixture
async def site(
    complaints: Complaints, activate_policy: Any, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://rapport", auth=ActingByRoute(keycloak)
    ) as client:
        yield client


async def open_from_form(site: httpx.AsyncClient, account: str) -> str:
    response = await site.post(
        "/complaints/new",
        data={
            "account_id": account,
            "contact": "Ms Li",
            "channel": "email",
            "category": "billing",
            "severity": "2",
            "description": "invoice total is wrong",
            "order_refs": "SO-1, SO-2",
        },
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def test_a_ticket_opened_from_the_form_shows_its_clocks_and_history(
    site: httpx.AsyncClient, new_account: Any
) -> None:
    ticket_id = await open_from_form(site, await new_account(name="Blue River"))
    page = await site.get(f"/complaints/tickets/{ticket_id}")
    assert page.status_code == 200
    html = page.text
    assert 'data-clock="respond"' in html and 'data-clock="resolve"' in html
    assert "Blue River" in html and "SO-1, SO-2" in html
    assert "CS-01" in html  # history: who opened it, the signed-in handler
    assert "Invoice differs from the order" in html  # the standard answer for billing

    acknowledged = await site.post(f"/complaints/tickets/{ticket_id}/do/acknowledge")
    assert acknowledged.status_code == 303
    paused = await site.post(
        f"/complaints/tickets/{ticket_id}/do/pause", data={"clock": "resolve", "reason": "photos"}
    )
    assert paused.status_code == 303
    html = (await site.get(f"/complaints/tickets/{ticket_id}")).text
    assert 'data-status="acknowledged"' in html
    assert "paused" in html and "photos" in html


async def test_a_refused_action_shows_why_with_a_4xx(
    site: httpx.AsyncClient, new_account: Any
) -> None:
    ticket_id = await open_from_form(site, await new_account())
    refused = await site.post(f"/complaints/tickets/{ticket_id}/do/close", data={})
    assert refused.status_code == 409
    assert "cannot close a ticket that is received" in refused.text
    unknown = await site.post("/complaints/new", data={"account_id": "C-nobody", "severity": "2"})
    assert unknown.status_code == 422
    assert "C-nobody" in unknown.text


async def test_the_queue_board_and_admin_pages_render(
    site: httpx.AsyncClient, new_account: Any
) -> None:
    account = await new_account()
    ticket_id = await open_from_form(site, account)
    queue = await site.get("/complaints/", params={"account_id": account})
    assert f'data-ticket-id="{ticket_id}"' in queue.text
    assert "data-deadline=" in queue.text
    board = await site.get("/complaints/board")
    assert 'hx-get="/complaints/board/live"' in board.text
    live = await site.get("/complaints/board/live")
    assert live.status_code == 200 and 'id="breaches"' in live.text
    calendars = await site.get("/complaints/admin/calendars")
    assert 'id="calendar-default"' in calendars.text
    policies = await site.get("/complaints/admin/policies")
    assert 'id="active-rules"' in policies.text


async def test_calendar_and_policy_forms(site: httpx.AsyncClient) -> None:
    saved = await site.post(
        "/complaints/admin/calendars",
        data={
            "name": "shenzhen-plant",
            "time_zone": "Asia/Shanghai",
            "monday": "08:00-12:00, 13:00-17:00",
            "holidays": "2026-10-01\n2026-10-02",
        },
    )
    assert saved.status_code == 303
    page = (await site.get("/complaints/admin/calendars")).text
    assert 'id="calendar-shenzhen-plant"' in page and "08:00-12:00, 13:00-17:00" in page

    bad = await site.post(
        "/complaints/admin/calendars",
        data={"name": "shenzhen-plant", "time_zone": "Asia/Shanghai", "monday": "25:00-26:00"},
    )
    assert bad.status_code == 422 and "HH:MM" in bad.text

    broken = await site.post("/complaints/admin/policies", data={"document": "{not json"})
    assert broken.status_code == 422 and "not valid JSON" in broken.text


async def test_a_product_safety_ticket_page_records_the_regulator_report(
    site: httpx.AsyncClient, new_account: Any, activate_policy: Any
) -> None:
    regulator = {"amount": 24, "unit": "hours"}
    await activate_policy([*RULES, {"severity": 1, "targets": {"regulator": regulator}}])
    response = await site.post(
        "/complaints/new",
        data={
            "account_id": await new_account(),
            "contact": "Dr Wang, QA",
            "channel": "hotline",
            "category": "product_quality",
            "severity": "1",
            "description": "glass splinters in a sealed bottle",
        },
    )
    ticket_page = response.headers["location"]
    html = (await site.get(ticket_page)).text
    assert 'data-clock="regulator"' in html and "Record the report" in html
    ticket_id = ticket_page.rsplit("/", 1)[-1]
    reported = await site.post(
        f"/complaints/tickets/{ticket_id}/do/regulator-report", data={"reference": "NMPA-7"}
    )
    assert reported.status_code == 303
    html = (await site.get(ticket_page)).text
    assert "NMPA-7" in html and "Record the report" not in html

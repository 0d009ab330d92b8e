"""The demo's second step against the real services: after the ERP demo data has become
accounts and engagement has planned them, `python -m demo.activity` fills the boards and the
complaint queue through the front door, and a second run adds nothing.

Accounts are the session's; complaints and engagement run in a database of their own, because
the test changes the SLA policy: it warns at 1% of a clock's time instead of the handbook's 75%,
so the near-breach ticket (the VIP's respond clock, 5 minutes) warns within seconds."""

import asyncio
import sys
from collections.abc import AsyncIterator, Generator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from accounts_fixtures import ADMIN
from chassis.testing import (
    FrontDoor,
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    eventually,
    scratch_database,
    unique,
)
from complaints_fixtures import ActingByRoute, prepare_complaints
from demo.generator import generate
from demo.publish import publish
from engagement_fixtures import ENGAGEMENT_CONSUMES

pytestmark = pytest.mark.integration

CUSTOMERS = 36
EAST = {"AM-01", "AM-02", "AM-03"}


class ActingByService(ActingByRoute):
    """Complaints' routes as the demo users their roles need (`ActingByRoute`), engagement's as
    the admin, who reads every manager's plans and boards."""

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        engagement = request.url.path.startswith("/api/v1/engagement/")
        if engagement and "authorization" not in request.headers:
            request.headers.update(self._keycloak.bearer(ADMIN))
        yield from super().auth_flow(request)


@pytest.fixture(scope="module")
async def site(
    infrastructure: Infrastructure,
    accounts_worker: ServiceProcess,
    accounts_api: ServiceProcess,
    keycloak: Keycloak,
) -> AsyncIterator[httpx.AsyncClient]:
    """Complaints and engagement on a database of their own, all three behind the front door."""
    async with scratch_database(infrastructure, "demo_activity") as database:
        complaints = await prepare_complaints(
            infrastructure, database=database, env={"COMPLAINTS_OUTBOX_POLL_SECONDS": "0.5"}
        )
        engagement = await ServiceUnderTest.prepare(
            infrastructure,
            "engagement",
            consumes=ENGAGEMENT_CONSUMES,
            database=database,
            env={"ENGAGEMENT_OUTBOX_POLL_SECONDS": "0.5"},
        )
        async with (
            complaints.running("api", "worker") as complaints_processes,
            engagement.running("api", "worker") as engagement_processes,
        ):
            door = FrontDoor(
                {
                    "accounts": accounts_api.port,
                    "complaints": complaints_processes["api"].port,
                    "engagement": engagement_processes["api"].port,
                }
            )
            try:
                # Each service's routes are asked as the demo users their roles need.
                async with httpx.AsyncClient(
                    base_url=door.start(), timeout=10, auth=ActingByService(keycloak)
                ) as client:
                    await door.wait_ready()
                    yield client
            finally:
                door.stop()


async def run_activity(site: httpx.AsyncClient, prefix: str) -> str:
    """`python -m demo.activity` through the front door; returns what it printed."""
    url = str(site.base_url)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "demo.activity",
        *("--accounts-url", url, "--engagement-url", url, "--complaints-url", url),
        *("--only-accounts", prefix, "--expect-accounts", str(CUSTOMERS), "--timeout", "120"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode()
    assert process.returncode == 0, text
    return text


async def get(site: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await site.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def demo_accounts(
    site: httpx.AsyncClient, keycloak: Keycloak, prefix: str
) -> list[dict[str, Any]]:
    """The demo's accounts, as the admin (who sees every manager's)."""
    response = await site.get(
        "/api/v1/accounts",
        params={"q": prefix, "page_size": 500},
        headers=keycloak.bearer(ADMIN),
    )
    assert response.status_code == 200, response.text
    return [a for a in response.json()["items"] if a["account_id"].startswith(prefix)]


async def demo_tickets(site: httpx.AsyncClient, prefix: str) -> list[dict[str, Any]]:
    page = await get(site, "/api/v1/complaints/tickets", include_closed="true", page_size=500)
    return [
        await get(site, f"/api/v1/complaints/tickets/{t['id']}")
        for t in page["items"]
        if t["account_id"].startswith(prefix)
    ]


async def plans(site: httpx.AsyncClient, accounts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        await get(site, f"/api/v1/engagement/accounts/{a['account_id']}/plan")
        for a in accounts
        if a["account_manager"]
    ]


async def warn_early(site: httpx.AsyncClient) -> None:
    """The active SLA policy, warning at 1% of each clock's time."""
    active = next(p for p in await get(site, "/api/v1/complaints/policies") if p["active"])
    document = {**active["document"], "warning_thresholds": [1]}
    response = await site.post("/api/v1/complaints/policies", json={**document, "activate": True})
    assert response.status_code == 201, response.text


async def test_the_demo_activity_fills_the_boards_and_the_queue_once(
    site: httpx.AsyncClient, infrastructure: Infrastructure, keycloak: Keycloak
) -> None:
    await warn_early(site)
    prefix = unique("DEMO") + "-"
    erp = generate(CUSTOMERS, datetime.now(UTC), seed=7, id_prefix=prefix)
    await publish(erp, infrastructure.kafka_as("erp").client_kwargs(), progress=False)

    printed = await run_activity(site, prefix)
    assert "tickets filed" in printed

    accounts = await demo_accounts(site, keycloak, prefix)
    (key,) = [a for a in accounts if a["vip"]]
    manager = key["account_manager"]
    assert manager in EAST

    # The team and the key account's manager's week: done items, a target, feedback.
    teams = await get(site, "/api/v1/engagement/teams")
    assert teams["east"]["supervisor"] == "SUP-01"
    assert manager in teams["east"]["managers"]
    assert set(teams["east"]["managers"]) <= EAST
    team = await get(site, "/api/v1/engagement/boards/team/east")
    assert team["completion"]["done"] >= len(team["managers"])

    week = await get(site, f"/api/v1/engagement/boards/weekly/{manager}")
    items = week["today_items"] + week["tomorrow"] + week["this_week"]
    assert any(item["state"] == "done" for item in items), week
    assert week["completion"]["done"] >= 1
    assert week["target"] is not None
    assert float(week["target"]["month"]["target"]) >= 50_000

    account_plans = await plans(site, accounts)
    books = [p for p in account_plans if p["manager"] == manager]
    assert any(p["feedback"] for p in books)
    assert any(p["visits"] for p in books)
    assert next(p for p in account_plans if p["account_id"] == key["account_id"])["tier"] == "vip"
    states = {(i["origin"], i["state"]) for p in account_plans for i in p["items"]}
    assert {("next_step", "rescheduled"), ("next_step", "cancelled")} <= states
    assert sum(p["reschedule_count"] for p in account_plans) >= 2

    # The queue: every state, the waiting one with its resolve clock paused.
    tickets = await demo_tickets(site, prefix)
    assert {t["status"] for t in tickets} == {
        "received",
        "acknowledged",
        "investigating",
        "resolved",
    }
    paused = [t for t in tickets for c in t["clocks"] if c["state"] == "paused"]
    assert [c["clock"] for t in paused for c in t["clocks"] if c["state"] == "paused"] == [
        "resolve"
    ]
    (vip_ticket,) = [t for t in tickets if t["account_id"] == key["account_id"]]
    respond = next(c for c in vip_ticket["clocks"] if c["clock"] == "respond")
    assert vip_ticket["status"] == "received"
    assert respond["target"] == "5 minutes (wall time)"

    # Near its breach: the VIP ticket's respond clock warns, on the SLA board, not breached.
    async def warned() -> dict[str, Any] | None:
        board = await get(site, "/api/v1/complaints/board")
        return next(
            (
                row
                for row in board["warned"]
                if row["id"] == vip_ticket["id"] and row["clock"] == "respond"
            ),
            None,
        )

    assert (await eventually(warned, within=60))["vip"]
    detail = await get(site, f"/api/v1/complaints/tickets/{vip_ticket['id']}")
    respond = next(c for c in detail["clocks"] if c["clock"] == "respond")
    assert respond["warnings_fired"] >= 1
    assert respond["breached_at"] is None and respond["state"] == "running"

    # Closing the loop: the resolved ticket plans the manager's follow-up call.
    (resolved,) = [t for t in tickets if t["status"] == "resolved"]

    async def follow_up() -> bool:
        plan = await get(site, f"/api/v1/engagement/accounts/{resolved['account_id']}/plan")
        return any(i["origin"] == "complaint_follow_up" for i in plan["items"])

    await eventually(follow_up, within=60)

    # Once is enough: a second run finds everything in place.
    visits = sum(len(p["visits"]) for p in account_plans)
    feedback = sum(len(p["feedback"]) for p in account_plans)
    await run_activity(site, prefix)
    assert len(await demo_tickets(site, prefix)) == len(tickets)
    again = await plans(site, accounts)
    assert sum(len(p["visits"]) for p in again) == visits
    assert sum(len(p["feedback"]) for p in again) == feedback

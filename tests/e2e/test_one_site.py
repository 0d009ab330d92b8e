"""Across services, through the front door: an ERP customer becomes an account, the complaints
service learns it from the accounts events, and VIP status granted in accounts shortens its
complaint targets. Every process is real: Kafka, PostgreSQL, both services, nginx."""

import functools
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from accounts_fixtures import MANAGER, SUPERVISOR, Erp
from chassis.testing import FrontDoor, Infrastructure, Keycloak, ServiceProcess, eventually, unique
from complaints_fixtures import ActingByRoute, prepare_complaints

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def site(
    infrastructure: Infrastructure,
    accounts_worker: ServiceProcess,
    accounts_api: ServiceProcess,
    keycloak: Keycloak,
) -> AsyncIterator[httpx.AsyncClient]:
    """Complaints processes reading what the accounts service publishes from now on, and the
    front door routing to both services."""
    complaints = await prepare_complaints(infrastructure)
    async with complaints.running("api", "worker") as processes:
        door = FrontDoor({"accounts": accounts_api.port, "complaints": processes["api"].port})
        try:
            # Complaints' routes are asked as the demo users their roles need; accounts' name
            # their user (the account's manager, AM-01, or the team's supervisor).
            async with httpx.AsyncClient(
                base_url=door.start(), timeout=10, auth=ActingByRoute(keycloak)
            ) as client:
                await door.wait_ready()
                yield client
        finally:
            door.stop()


def ticket_for(account_id: str) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "contact": "Ms Li, purchasing, 138 0000 0000",
        "channel": "hotline",
        "category": "delivery",
        "severity": 2,
        "description": "Half of the pallet arrived crushed.",
    }


def respond_target(ticket: dict[str, Any]) -> str:
    return next(clock["target"] for clock in ticket["clocks"] if clock["clock"] == "respond")


async def test_an_erp_customer_becomes_a_complaints_account_and_vip_shortens_its_targets(
    site: httpx.AsyncClient, erp: Erp, keycloak: Keycloak
) -> None:
    customer = unique("E2E")
    await erp.publish(erp.customer(customer, name="Front Door Trading Co"))

    unknown = await site.post("/api/v1/complaints/tickets", json=ticket_for(unique("NOBODY")))
    assert unknown.status_code in (404, 422)
    assert unknown.json()["error"]["message"]

    async def known_to_complaints(vip: bool) -> bool:
        response = await site.get(f"/api/v1/complaints/accounts/{customer}")
        return response.status_code == 200 and response.json()["vip"] is vip

    async def filed() -> dict[str, Any]:
        response = await site.post("/api/v1/complaints/tickets", json=ticket_for(customer))
        assert response.status_code == 201, response.text
        ticket: dict[str, Any] = response.json()
        return ticket

    # The complaints service knows the account only from the accounts events (asked, not
    # filed for again and again: every ticket is more events for the services to carry).
    await eventually(functools.partial(known_to_complaints, vip=False))
    ordinary = await filed()

    async def account_page() -> str | None:
        page = await site.get(f"/accounts/{customer}", headers=keycloak.bearer(MANAGER))
        return page.text if page.status_code == 200 else None

    assert "Front Door Trading Co" in await eventually(account_page)

    nominated = await site.post(
        f"/api/v1/accounts/{customer}/vip-nominations",
        json={"reason": "ten years of stable cooperation"},
        headers=keycloak.bearer(MANAGER),
    )
    assert nominated.status_code == 201, nominated.text
    approved = await site.post(
        f"/api/v1/accounts/vip-nominations/{nominated.json()['id']}/approve",
        json={},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert approved.status_code == 200, approved.text

    await eventually(functools.partial(known_to_complaints, vip=True))
    vip = await filed()
    assert respond_target(vip) == "5 minutes (wall time)"
    assert respond_target(ordinary) != respond_target(vip)

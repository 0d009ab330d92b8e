"""Whose tickets each role sees and works, through the API and the pages, with real tokens: a
manager their accounts' tickets, a supervisor their team's, a handler their department's, the
unassigned ones and their own, ops every ticket but no step; anything else is a 404 that reads
the same as a ticket that does not exist, and a refused step changes nothing."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from chassis.testing import Keycloak, api_routes
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints.service_layer import commands as c
from complaints.service_layer.handlers import file_complaint, run_ticket_command
from complaints.ui.pages import ACTIONS
from complaints_fixtures import new_ticket

pytestmark = pytest.mark.integration

RULES = [{"targets": {"respond": {"amount": 15, "unit": "minutes"}}}]
API = "/api/v1/complaints"


@pytest.fixture
async def client(complaints: Complaints, activate_policy: Any) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(transport=transport, base_url="http://complaints") as client:
        yield client


async def ticket_of(app: Complaints, account_id: str, *, department: str | None = None) -> str:
    """A ticket on the account, filed by the quality department's handler (so nobody else's
    own), and sent to `department` if given."""
    ticket = await file_complaint(
        uow=app.uow(),
        command=c.FileComplaint(
            account_id=account_id,
            contact="Ms Li",
            channel="hotline",
            category="delivery",
            severity=2,
            description="late",
            actor="QA-01",
            visible_to=None,
        ),
        clock=app.clock,
        settings=app.sla,
    )
    if department:
        await run_ticket_command(
            uow=app.uow(),
            command=c.Assign(ticket.id, "QA-01", None, department=department),
            clock=app.clock,
            settings=app.sla,
        )
    return ticket.id


@pytest.fixture
async def tickets(complaints: Complaints, new_account: Any, client: Any) -> dict[str, str]:
    east = await new_account(manager="AM-01")
    south = await new_account(manager="AM-04")
    return {
        "east": await ticket_of(complaints, east),
        "east_account": east,
        "south": await ticket_of(complaints, south, department="quality"),
        "south_account": south,
        "sales": await ticket_of(complaints, south, department="sales"),
    }


async def queue_of(client: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    response = await client.get(f"{API}/tickets", params={"page_size": 200}, headers=headers)
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["items"]}


@pytest.mark.parametrize(
    ("user", "sees", "not_sees"),
    [
        ("am-01", {"east"}, {"south", "sales"}),
        ("am-04", {"south", "sales"}, {"east"}),
        ("sup-01", {"east"}, {"south", "sales"}),
        ("sup-02", {"south", "sales"}, {"east"}),
        # cs-01 is in sales: the unassigned east ticket and the one sent to sales.
        ("cs-01", {"east", "sales"}, {"south"}),
        ("qa-01", {"east", "south", "sales"}, set()),  # filed them all
        ("ops-01", {"east", "south", "sales"}, set()),
    ],
)
async def test_each_role_reads_the_tickets_in_its_scope_only(
    client: httpx.AsyncClient,
    keycloak: Keycloak,
    tickets: dict[str, str],
    user: str,
    sees: set[str],
    not_sees: set[str],
) -> None:
    headers = keycloak.bearer(user)
    queue = await queue_of(client, headers)
    for name in sees:
        assert tickets[name] in queue, (user, name)
        response = await client.get(f"{API}/tickets/{tickets[name]}", headers=headers)
        assert response.status_code == 200, (user, name, response.text)
        page = await client.get(f"/complaints/tickets/{tickets[name]}", headers=headers)
        assert page.status_code == 200, (user, name)
    for name in not_sees:
        assert tickets[name] not in queue, (user, name)
        response = await client.get(f"{API}/tickets/{tickets[name]}", headers=headers)
        missing = await client.get(f"{API}/tickets/CMP-000000000000", headers=headers)
        assert response.status_code == missing.status_code == 404, (user, name)
        assert response.json()["error"]["code"] == missing.json()["error"]["code"]
        page = await client.get(f"/complaints/tickets/{tickets[name]}", headers=headers)
        assert page.status_code == 404, (user, name)
        assert tickets[name] not in (await client.get("/complaints/", headers=headers)).text


async def test_a_step_on_a_ticket_outside_ones_scope_is_a_404_and_changes_nothing(
    client: httpx.AsyncClient, keycloak: Keycloak, tickets: dict[str, str]
) -> None:
    manager = keycloak.bearer("am-01")
    foreign = tickets["south"]
    refused = await client.post(f"{API}/tickets/{foreign}/acknowledge", headers=manager)
    assert refused.status_code == 404, refused.text
    page = await client.post(f"/complaints/tickets/{foreign}/do/acknowledge", headers=manager)
    assert page.status_code == 404
    stored = await client.get(f"{API}/tickets/{foreign}", headers=keycloak.bearer("ops-01"))
    assert stored.json()["status"] == "received"
    assert all(entry["action"] != "acknowledged" for entry in stored.json()["history"])

    own = await client.post(f"{API}/tickets/{tickets['east']}/acknowledge", headers=manager)
    assert own.status_code == 200, own.text
    assert own.json()["status"] == "acknowledged"


async def test_ops_read_every_ticket_but_take_no_step(
    client: httpx.AsyncClient, keycloak: Keycloak, tickets: dict[str, str]
) -> None:
    ops = keycloak.bearer("ops-01")
    refused = await client.post(f"{API}/tickets/{tickets['east']}/acknowledge", headers=ops)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "forbidden"


async def test_a_manager_files_complaints_about_their_own_accounts_only(
    client: httpx.AsyncClient, keycloak: Keycloak, tickets: dict[str, str]
) -> None:
    manager = keycloak.bearer("am-01")
    foreign = await client.post(
        f"{API}/tickets", json=new_ticket(tickets["south_account"]), headers=manager
    )
    unknown = await client.post(f"{API}/tickets", json=new_ticket("NO-SUCH"), headers=manager)
    assert foreign.status_code == unknown.status_code == 422, foreign.text
    assert foreign.json()["error"]["code"] == unknown.json()["error"]["code"]
    account = await client.get(f"{API}/accounts/{tickets['south_account']}", headers=manager)
    assert account.status_code == 404

    own = await client.post(
        f"{API}/tickets", json=new_ticket(tickets["east_account"]), headers=manager
    )
    assert own.status_code == 201, own.text
    # A handler takes a complaint in from any customer.
    handler = keycloak.bearer("cs-01")
    taken = await client.post(
        f"{API}/tickets", json=new_ticket(tickets["south_account"]), headers=handler
    )
    assert taken.status_code == 201, taken.text


# A body each ticket step takes, by its schema's name: a route without one fails the test below,
# so a new step is in the matrix as soon as it exists.
STEP_BODIES: dict[str, dict[str, Any]] = {
    "InvestigateIn": {"department": "logistics"},
    "AssignIn": {"department": "logistics"},
    "ProposeSolutionIn": {"remedy": "explanation", "solution": "a call back"},
    "ReasonIn": {"reason": "waiting for photos"},
    "ResolveIn": {"root_cause": "carrier"},
    "FollowUpIn": {"note": "called"},
    "CloseIn": {"satisfaction": 5},
    "ReviewReturnIn": {"remedy": "refund"},
    "RegulatorReportIn": {"reference": "R-1"},
}


def ticket_routes(app: FastAPI) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every API route and page about one ticket: method, path, a valid body (None: none)."""
    found: list[tuple[str, str, dict[str, Any] | None]] = []
    for route in api_routes(app):
        if "{ticket_id}" not in route.path:
            continue
        params = route.dependant.body_params
        body = None
        if params:
            name = params[0].field_info.annotation.__name__
            assert name in STEP_BODIES, f"give {route.path} a body in STEP_BODIES ({name})"
            body = STEP_BODIES[name]
        for method in route.methods:
            if "{action}" in route.path:
                found += [(method, route.path.replace("{action}", a), None) for a in ACTIONS]
            else:
                found.append((method, route.path.replace("{clock}", "resolve"), body))
    return found


async def test_every_ticket_route_on_another_managers_ticket_is_a_404_that_changes_nothing(
    complaints: Complaints,
    client: httpx.AsyncClient,
    keycloak: Keycloak,
    tickets: dict[str, str],
) -> None:
    manager = keycloak.bearer("am-01")
    foreign = tickets["south"]
    before = (
        await client.get(f"{API}/tickets/{foreign}", headers=keycloak.bearer("ops-01"))
    ).json()
    routes = ticket_routes(create(complaints))
    assert len(routes) > 20
    for method, path, body in routes:
        response = await client.request(
            method, path.replace("{ticket_id}", foreign), json=body, headers=manager
        )
        assert response.status_code == 404, (method, path, response.text)
    after = (await client.get(f"{API}/tickets/{foreign}", headers=keycloak.bearer("ops-01"))).json()
    assert after == before

"""The personal-data access log of complaints on the real PostgreSQL: filing a ticket and each
step that writes free text is a change, each read of a ticket (API, page, queue) a read, with
who and why; the audit (API and page) is the admin's alone."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ADMIN, HANDLER, ActingByRoute, new_ticket

pytestmark = pytest.mark.integration

RULES = [
    {
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
        }
    }
]
API = "/api/v1/complaints"


@pytest.fixture
async def api(
    complaints: Complaints, activate_policy: Any, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://rapport", auth=ActingByRoute(keycloak)
    ) as client:
        yield client


async def test_reads_and_changes_of_a_ticket_are_logged_for_the_admin(
    api: httpx.AsyncClient, new_account: Any, keycloak: Keycloak
) -> None:
    account_id = await new_account()
    filed = await api.post(f"{API}/tickets", json=new_ticket(account_id))
    assert filed.status_code == 201, filed.text
    ticket_id = filed.json()["id"]
    read = await api.get(
        f"{API}/tickets/{ticket_id}", headers={"X-Rapport-Purpose": "calling the customer back"}
    )
    assert read.status_code == 200
    assert (await api.get(f"/complaints/tickets/{ticket_id}")).status_code == 200
    assert (await api.get(f"{API}/tickets", params={"account_id": account_id})).status_code == 200
    steps: list[tuple[str, dict[str, Any]]] = [
        ("acknowledge", {}),
        ("investigate", {"department": "logistics"}),
        ("propose-solution", {"remedy": "compensation", "solution": "credit note for Ms Li"}),
    ]
    for step, body in steps:
        response = await api.post(f"{API}/tickets/{ticket_id}/{step}", json=body)
        assert response.status_code == 200, (step, response.text)

    admin = keycloak.bearer(ADMIN)
    audit = await api.get(f"{API}/audit", params={"account_id": account_id}, headers=admin)
    assert audit.status_code == 200, audit.text
    entries = audit.json()["items"]
    assert {entry["actor"] for entry in entries} == {HANDLER.upper()}
    what = [(e["action"], e["what"], e["purpose"]) for e in reversed(entries)]
    texts = f"ticket {ticket_id}: contact and texts"
    assert what[:5] == [
        ("change", f"ticket {ticket_id}: contact and description (filed)", "complaint handling"),
        ("read", texts, "complaint handling"),
        ("read", texts, "calling the customer back"),
        ("read", texts, "ticket page"),
        ("read", texts, "complaint handling"),
    ]
    # Acknowledging and investigating write no text: only their responses' reads are logged.
    assert what[5:] == [
        ("read", texts, "complaint handling"),
        ("read", texts, "complaint handling"),
        ("change", f"ticket {ticket_id}: history text (ProposeSolution)", "complaint handling"),
        ("read", texts, "complaint handling"),
    ]
    assert audit.json()["total"] == len(entries)
    assert "Ms Li" not in audit.text  # the log names what was read, never the data

    page = await api.get("/complaints/audit", params={"account_id": account_id}, headers=admin)
    assert page.status_code == 200
    assert page.text.count(f'data-account-id="{account_id}"') == len(entries)

    # Only the admin reads the audit.
    assert (await api.get(f"{API}/audit")).status_code == 403
    assert (await api.get("/complaints/audit")).status_code == 403
    refused = await api.get(f"{API}/audit", params={"since": "yesterday"}, headers=admin)
    assert refused.status_code == 422

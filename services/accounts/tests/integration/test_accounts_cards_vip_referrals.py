"""Relationship cards, VIP approval, prospects and referrals, reports: the JSON API on the real
service processes, with the events they publish."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from accounts_fixtures import (
    ADMIN,
    MANAGER,
    OTHER_MANAGER,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    TEAM_MANAGER,
)
from chassis.testing import Infrastructure, Keycloak, ServiceProcess, read_topic, unique
from contracts.accounts_v1 import ACCOUNTS_TOPIC

pytestmark = pytest.mark.integration

CONTACT = {
    "name": "Li Wei",
    "position": "Purchasing manager",
    "phone": "+86 21 5555 0101",
    "email": "li.wei@example.com",
    "birthday": "1980-05-17",
    "preferred_channel": "phone",
    "call_window_start": "11:00",
    "call_window_end": "12:00",
}


@pytest.fixture
def client(accounts_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API as AM-01, who manages the prospects these tests register."""
    return accounts_client


async def prospect(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"account_id": unique("P"), "name": "Prospect Co", "region": "East", **fields}
    response = await client.post("/api/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def events(
    infrastructure: Infrastructure, account_id: str, kind: str, count: int = 1
) -> list[dict[str, Any]]:
    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda r: (
            r.key == account_id.encode()
            and json.loads(r.value)["type"] == f"accounts.account.{kind}.v1"
        ),
        until=lambda kept: len(kept) >= count,
    )
    return [json.loads(record.value)["data"] for record in records]


async def test_a_card_is_versioned_readable_as_of_a_date_and_its_event_has_no_contact_details(
    client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
) -> None:
    account = (await prospect(client))["account_id"]
    first = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={
            "contacts": [CONTACT],
            "preferences": {"product_categories": ["skincare"], "price_sensitivity": "high"},
            "notes": [{"text": "Prefers short calls", "purpose": "call planning"}],
            "expected_version": 0,
        },
    )
    assert first.status_code == 200, first.text
    card = first.json()
    assert card["version"] == 1 and card["contacts"][0]["name"] == "Li Wei"
    contact_id = card["contacts"][0]["contact_id"]
    between = datetime.now(UTC)

    second = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={
            "contacts": [{**CONTACT, "contact_id": contact_id, "phone": "+86 21 5555 0199"}],
            "preferences": {"product_categories": ["skincare", "haircare"]},
            "notes": card["notes"],
            "expected_version": 1,
        },
        headers=keycloak.bearer(SUPERVISOR),  # AM-01's team's supervisor
    )
    assert second.status_code == 200, second.text
    assert second.json()["version"] == 2

    history = (await client.get(f"/api/v1/accounts/{account}/card/history")).json()
    latest = history["versions"][0]
    assert (latest["version"], latest["changed_by"]) == (2, "SUP-01")
    assert {
        "section": "contacts",
        "item": "Li Wei",
        "field": "phone",
        "before": "+86 21 5555 0101",
        "after": "+86 21 5555 0199",
    } in latest["changes"]

    old = await client.get(
        f"/api/v1/accounts/{account}/card",
        params={"as_of": between.isoformat()},
        headers={"X-Rapport-Purpose": "audit"},
    )
    assert old.json()["version"] == 1
    assert old.json()["contacts"][0]["phone"] == "+86 21 5555 0101"
    log = (await client.get(f"/api/v1/accounts/{account}/card/access-log")).json()
    assert {"actor": "AM-01", "action": "read", "purpose": "audit"}.items() <= log[0].items()

    # Someone else saved meanwhile: the stale edit is refused, nothing is saved.
    stale_edit = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={"contacts": [], "expected_version": 1},
    )
    assert stale_edit.status_code == 409
    assert stale_edit.json()["error"]["code"] == "card_changed"

    updated = await events(infrastructure, account, "card_updated", 2)
    assert [e["card_version"] for e in updated] == [1, 2]
    assert updated[1]["changed_sections"] == ["contacts", "preferences"]
    raw = json.dumps(updated)
    assert "Li Wei" not in raw and "5555" not in raw and "example.com" not in raw


async def test_another_manager_s_account_is_not_found_for_reading_or_changing(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account = (await prospect(client, name=unique("Mine Co")))["account_id"]
    path = f"/api/v1/accounts/{account}"
    for outsider in (TEAM_MANAGER, OTHER_MANAGER, OTHER_SUPERVISOR):
        headers = keycloak.bearer(outsider)
        for method, url, body in (
            ("GET", path, None),
            ("GET", f"{path}/card", None),
            ("GET", f"{path}/card/history", None),
            ("GET", f"{path}/timeline", None),
            ("PUT", f"{path}/card", {"contacts": [], "expected_version": 0}),
            ("POST", f"{path}/card/review", {}),
            ("PUT", f"{path}/referral", {"referred_by": None}),
            ("POST", f"{path}/vip-nominations", {"reason": "not mine"}),
        ):
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code == 404, (outsider, method, url, response.text)
            error = response.json()["error"]
            assert error["code"] == "account_not_found", (outsider, url)
        listed = await client.get("/api/v1/accounts", params={"q": account}, headers=headers)
        assert listed.json()["total"] == 0
    # Nothing was changed or read in the outsiders' names; the owner, their supervisor and the
    # admin see the account (the admin only reads it).
    log = (await client.get(f"{path}/card/access-log")).json()
    assert {entry["actor"] for entry in log} <= {"AM-01"}
    assert (await client.get(f"{path}/card/history")).json()["versions"] == []
    for reader in (SUPERVISOR, ADMIN):
        seen = await client.get(path, headers=keycloak.bearer(reader))
        assert seen.status_code == 200, reader
    by_admin = await client.put(
        f"{path}/card", json={"contacts": [], "expected_version": 0}, headers=keycloak.bearer(ADMIN)
    )
    assert by_admin.status_code == 403


async def test_a_manager_registers_prospects_only_for_someone_in_their_scope(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    for_another = await client.post(
        "/api/v1/accounts", json={"name": "Not Mine Co", "account_manager": "AM-04"}
    )
    assert for_another.status_code == 403
    assert for_another.json()["error"]["code"] == "outside_scope"
    for_the_team = await client.post(
        "/api/v1/accounts",
        json={"name": "Team Co", "account_manager": "AM-02"},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert for_the_team.status_code == 201
    assert for_the_team.json()["account_manager"] == "AM-02"


@pytest.mark.parametrize(
    ("contact", "field", "words"),
    [
        ({"phone": "call me"}, "contacts.0.phone", "not a phone number"),
        ({"email": "li.wei@"}, "contacts.0.email", "not an email address"),
        ({"birthday": "2999-01-01"}, "contacts.0.birthday", "cannot be in the future"),
        ({"birthday": "2026-02-30"}, "contacts.0.birthday", "valid date"),
        ({"call_window_end": "10:00"}, "contacts.0.call_window_end", "end after it starts"),
    ],
)
async def test_an_invalid_card_is_refused_with_the_field_named_and_nothing_saved(
    client: httpx.AsyncClient, contact: dict[str, str], field: str, words: str
) -> None:
    account = (await prospect(client))["account_id"]
    response = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={"contacts": [{**CONTACT, **contact}]},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert any(d["field"].endswith(field) and words in d["message"] for d in error["details"])
    assert (await client.get(f"/api/v1/accounts/{account}/card/history")).json()["versions"] == []


async def test_writes_need_a_signed_in_user(accounts_api: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=accounts_api.base_url) as anonymous:
        response = await anonymous.post("/api/v1/accounts", json={"name": "Nobody Co"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


async def test_vip_nominated_by_a_manager_approved_by_a_supervisor_and_published(
    client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
) -> None:
    account = (await prospect(client))["account_id"]
    path = f"/api/v1/accounts/{account}/vip-nominations"
    empty = await client.post(path, json={"reason": "  "})
    assert empty.status_code == 422
    nominated = await client.post(path, json={"reason": "top 10 by sales"})
    assert nominated.status_code == 201
    nomination = nominated.json()["id"]
    again = await client.post(path, json={"reason": "twice"})
    assert again.status_code == 409

    decide = f"/api/v1/accounts/vip-nominations/{nomination}"
    # A manager's token cannot approve, not even on their own team; another team's supervisor
    # does not find the nomination at all.
    for manager in (MANAGER, TEAM_MANAGER):
        by_manager = await client.post(
            f"{decide}/approve", json={}, headers=keycloak.bearer(manager)
        )
        assert by_manager.status_code == 403
        assert by_manager.json()["error"]["code"] == "forbidden"
    by_other_team = await client.post(
        f"{decide}/approve", json={}, headers=keycloak.bearer(OTHER_SUPERVISOR)
    )
    assert by_other_team.status_code == 404
    assert by_other_team.json()["error"]["code"] == "nomination_not_found"
    approved = await client.post(
        f"{decide}/approve", json={"note": "agreed"}, headers=keycloak.bearer(SUPERVISOR)
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert (await client.get(f"/api/v1/accounts/{account}")).json()["vip"] is True

    granted = (await events(infrastructure, account, "vip_granted"))[0]
    assert (granted["nominated_by"], granted["approved_by"]) == ("AM-01", "SUP-01")
    assert granted["reason"] == "top 10 by sales"

    revoked = await client.post(
        f"/api/v1/accounts/{account}/vip/revoke",
        json={"reason": "stopped buying"},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert revoked.status_code == 204
    assert (await events(infrastructure, account, "vip_revoked"))[0]["revoked_by"] == "SUP-01"


async def test_a_rejection_needs_a_note_and_is_published(
    client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
) -> None:
    account = (await prospect(client))["account_id"]
    nominated = await client.post(
        f"/api/v1/accounts/{account}/vip-nominations", json={"reason": "promising"}
    )
    decide = f"/api/v1/accounts/vip-nominations/{nominated.json()['id']}/reject"
    supervisor = keycloak.bearer(SUPERVISOR)
    assert (await client.post(decide, json={}, headers=supervisor)).status_code == 422
    rejected = await client.post(decide, json={"note": "too small yet"}, headers=supervisor)
    assert rejected.json()["status"] == "rejected"
    assert (await events(infrastructure, account, "vip_rejected"))[0]["note"] == "too small yet"


async def test_top_accounts_by_sales_are_the_vip_candidates(
    client: httpx.AsyncClient, accounts_worker: ServiceProcess
) -> None:
    candidates = (await client.get("/api/v1/accounts/vip-candidates")).json()
    assert len(candidates) <= 10
    revenues = [float(c["net_revenue_12m"]) for c in candidates]
    assert revenues == sorted(revenues, reverse=True)
    assert [c["rank"] for c in candidates] == list(range(1, len(candidates) + 1))


async def test_a_referred_prospect_is_a_priority_lead_and_the_referrer_is_thanked(
    client: httpx.AsyncClient, accounts_worker: ServiceProcess, infrastructure: Infrastructure
) -> None:
    referrer = (await prospect(client, name="Old Friend Co"))["account_id"]
    referred = await prospect(client, name="New Friend Co", referred_by=referrer)
    assert (referred["priority_lead"], referred["referred_by"]) == (True, referrer)

    thanks = (await events(infrastructure, referrer, "referral_recorded"))[0]
    assert thanks["referred_account_id"] == referred["account_id"]
    registered = (await events(infrastructure, referred["account_id"], "registered"))[0]
    assert (registered["origin"], registered["priority_lead"]) == ("manager", True)

    loop = await client.put(
        f"/api/v1/accounts/{referrer}/referral",
        json={"referred_by": referred["account_id"]},
    )
    assert loop.status_code == 409
    itself = await client.put(
        f"/api/v1/accounts/{referrer}/referral", json={"referred_by": referrer}
    )
    assert itself.status_code == 422
    unknown = await prospect_refused(client, referred_by="NO-SUCH-ACCOUNT")
    assert unknown["error"]["details"][0]["field"] == "referred_by"


async def prospect_refused(client: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/accounts", json={"name": "Refused Co", **fields})
    assert response.status_code == 422
    return dict(response.json())


async def test_an_evaluation_report_is_stored_listed_and_reviewed_by_a_supervisor(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    supervisor = keycloak.bearer(SUPERVISOR)
    # A year that has ended; each test session's database is new, so the period is free.
    year = str((datetime.now(UTC) - timedelta(days=366)).year)
    by_manager = await client.post("/api/v1/accounts/evaluation-reports", json={"period": year})
    assert by_manager.status_code == 403
    created = await client.post(
        "/api/v1/accounts/evaluation-reports", json={"period": year}, headers=supervisor
    )
    assert created.status_code == 201, created.text
    report = created.json()
    assert (report["period"], report["kind"]) == (year, "year")
    again = await client.post(
        "/api/v1/accounts/evaluation-reports", json={"period": year}, headers=supervisor
    )
    assert again.status_code == 409
    future = await client.post(
        "/api/v1/accounts/evaluation-reports", json={"period": "2999-Q1"}, headers=supervisor
    )
    assert future.status_code == 409
    path = f"/api/v1/accounts/evaluation-reports/{report['id']}"
    assert (await client.post(f"{path}/review", json={})).status_code == 403
    assert (await client.post(f"{path}/review", json={}, headers=supervisor)).status_code == 204
    assert (await client.get(path)).json()["reviewed_by"] == "SUP-01"
    page = await client.get(f"/accounts/reports/{report['id']}")
    assert page.status_code == 200 and '<style media="print">' in page.text


# A body each operation on one account takes, by its schema's name: an operation without one
# fails the test below, so a new route is in the matrix as soon as it is in the document.
BODIES: dict[str, dict[str, Any]] = {
    "CardIn": {"contacts": [], "expected_version": 0},
    "ReviewIn": {},
    "ReferralIn": {"referred_by": None},
    "NominationIn": {"reason": "not mine"},
    "RevocationIn": {"reason": "not mine"},
    "ConsentIn": {"state": "given", "channel": "form"},
    "ErasureIn": {"why": "not mine"},
}


def account_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every operation of the API document on one account: method, path, a valid body."""
    found = []
    for path, operations in document["paths"].items():
        if "{account_id}" not in path:
            continue
        for method, operation in operations.items():
            body = None
            if "requestBody" in operation:
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                name = schema["$ref"].rsplit("/", 1)[-1]
                assert name in BODIES, f"give {method} {path} a body in BODIES ({name})"
                body = BODIES[name]
            found.append((method.upper(), path.replace("{contact_id}", "C-1"), body))
    return found


async def test_every_operation_on_another_manager_s_account_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    """Generated from the API document: for a manager and a supervisor of another team, each
    operation is a 404 (not in scope) or a 403 (not their role), never an answer; the card
    has no version and its access log no outsider."""
    account = (await prospect(client, name=unique("Mine Co")))["account_id"]
    document = (await client.get("/api/openapi.json")).json()
    operations = account_operations(document)
    assert len(operations) >= 15
    for outsider in (OTHER_MANAGER, OTHER_SUPERVISOR):
        headers = keycloak.bearer(outsider)
        for method, path, body in operations:
            url = path.replace("{account_id}", account)
            response = await client.request(method, url, json=body, headers=headers)
            assert response.status_code in (403, 404), (outsider, method, path, response.text)
            code = response.json()["error"]["code"]
            assert code in ("forbidden", "account_not_found"), (outsider, method, path, code)
    log = (await client.get(f"/api/v1/accounts/{account}/card/access-log")).json()
    assert {entry["actor"] for entry in log} <= {"AM-01"}
    assert (await client.get(f"/api/v1/accounts/{account}/card/history")).json()["versions"] == []

"""Privacy (DOMAIN.md §5, decision 0020): consent records, the audit of personal data, erasure
on request and of dormant accounts, on the real service processes and their events."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from accounts.bootstrap import bootstrap
from accounts.config import AccountsSettings
from accounts.service_layer.privacy import sweep_dormant_accounts
from accounts_fixtures import ADMIN, MANAGER, OTHER_MANAGER, SUPERVISOR, Erp
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    eventually,
    read_topic,
    unique,
)
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.envelope import CloudEvent
from contracts.privacy_v1 import ERASURES_TOPIC, ErasureCompleted

pytestmark = pytest.mark.integration

CONTACT = {
    "name": "Zhang Min",
    "position": "Owner",
    "phone": "+86 21 5555 0303",
    "email": "zhang.min@example.com",
    "address": "8 Huaihai Road",
    "birthday": "1975-03-02",
}


async def account_with_contact(client: httpx.AsyncClient) -> tuple[str, str]:
    """A prospect of AM-01 whose card has one contact (and a note); its id and the contact's."""
    created = await client.post("/api/v1/accounts", json={"name": unique("Private Co")})
    assert created.status_code == 201, created.text
    account = created.json()["account_id"]
    saved = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={
            "contacts": [CONTACT],
            "notes": [{"text": "Zhang Min prefers mornings", "purpose": "call planning"}],
        },
    )
    assert saved.status_code == 200, saved.text
    return account, saved.json()["contacts"][0]["contact_id"]


async def events(
    infrastructure: Infrastructure, account_id: str, event_type: str, count: int = 1
) -> list[dict[str, Any]]:
    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda r: r.key == account_id.encode() and json.loads(r.value)["type"] == event_type,
        until=lambda kept: len(kept) >= count,
    )
    return [json.loads(record.value)["data"] for record in records]


async def test_a_consent_is_given_then_withdrawn_its_history_kept_and_each_change_published(
    accounts_client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
) -> None:
    client = accounts_client
    account, contact = await account_with_contact(client)
    path = f"/api/v1/accounts/{account}/contacts/{contact}/consent"
    given = await client.post(path, json={"state": "given", "channel": "form"})
    assert given.status_code == 201, given.text
    withdrawn = await client.post(
        path, json={"state": "withdrawn", "channel": "phone", "note": "asked on a call"}
    )
    assert withdrawn.status_code == 201, withdrawn.text
    consents = withdrawn.json()
    assert [(c["contact_id"], c["state"], c["channel"]) for c in consents["current"]] == [
        (contact, "withdrawn", "phone")
    ]
    assert [c["state"] for c in consents["history"]] == ["withdrawn", "given"]
    assert consents["history"][0]["recorded_by"] == "AM-01"

    unknown = await client.post(
        f"/api/v1/accounts/{account}/contacts/nobody/consent",
        json={"state": "given", "channel": "form"},
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "contact_not_found"
    outsider = await client.post(
        path, json={"state": "given", "channel": "form"}, headers=keycloak.bearer(OTHER_MANAGER)
    )
    assert outsider.status_code == 404

    published = await events(infrastructure, account, "accounts.contact.consent_changed.v1", 2)
    assert [(e["contact_reference"], e["state"]) for e in published] == [
        (contact, "given"),
        (contact, "withdrawn"),
    ]
    assert "Zhang" not in json.dumps(published)
    log = (await client.get(f"/api/v1/accounts/{account}/card/access-log")).json()
    assert {"action": "change", "what": f"consent of contact {contact}"}.items() <= log[1].items()


async def test_the_account_page_shows_and_records_consent(
    accounts_client: httpx.AsyncClient,
) -> None:
    client = accounts_client
    account, contact = await account_with_contact(client)
    page = await client.get(f"/accounts/{account}")
    assert "not asked" in page.text
    posted = await client.post(
        f"/accounts/{account}/contacts/{contact}/consent",
        data={"state": "given", "channel": "in_person", "note": ""},
    )
    assert posted.status_code == 303, posted.text
    page = await client.get(f"/accounts/{account}")
    assert "in person" in page.text and "not asked" not in page.text


async def test_the_admin_audits_every_read_and_change_of_personal_data_filtered_paged_and_as_csv(
    accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    client = accounts_client
    account, _ = await account_with_contact(client)
    await client.get(f"/api/v1/accounts/{account}/card", headers={"X-Rapport-Purpose": "call prep"})
    await client.get(f"/api/v1/accounts/{account}/card/history")
    await client.get(f"/accounts/{account}/card/history")
    admin = keycloak.bearer(ADMIN)

    audit = await client.get(
        "/api/v1/accounts/audit", params={"account_id": account}, headers=admin
    )
    assert audit.status_code == 200, audit.text
    entries = audit.json()["items"]
    assert [(e["action"], e["what"], e["purpose"]) for e in entries] == [
        ("read", "card history", "card history"),
        ("read", "card history", "account management"),
        ("read", "card", "call prep"),
        ("read", "card", "card maintenance"),  # the saved card, as PUT answers it
        ("change", "contacts, notes", "card maintenance"),
    ]
    assert {e["actor"] for e in entries} == {"AM-01"} and audit.json()["total"] == 5

    paged = await client.get(
        "/api/v1/accounts/audit",
        params={"account_id": account, "page": 2, "page_size": 2},
        headers=admin,
    )
    assert [e["purpose"] for e in paged.json()["items"]] == ["call prep", "card maintenance"]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    before = await client.get(
        "/api/v1/accounts/audit", params={"account_id": account, "until": yesterday}, headers=admin
    )
    assert before.json()["total"] == 0
    someone_else = await client.get(
        "/api/v1/accounts/audit", params={"account_id": account, "actor": "SUP-01"}, headers=admin
    )
    assert someone_else.json()["total"] == 0
    by_actor = await client.get(
        "/api/v1/accounts/audit",
        params={"account_id": account, "actor": "am-01", "since": yesterday},
        headers=admin,
    )
    assert by_actor.json()["total"] == 5

    exported = await client.get(
        "/api/v1/accounts/audit.csv", params={"account_id": account}, headers=admin
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0] == ["at", "account_id", "actor", "action", "what", "purpose"]
    assert len(rows) == 6 and rows[3][5] == "call prep"

    page = await client.get("/accounts/audit", params={"account_id": account}, headers=admin)
    assert page.status_code == 200
    assert page.text.count(f'data-account-id="{account}"') == 5 and "call prep" in page.text
    page_csv = await client.get(
        "/accounts/audit.csv", params={"account_id": account}, headers=admin
    )
    assert page_csv.text == exported.text

    for user in (MANAGER, SUPERVISOR):
        refused = await client.get("/api/v1/accounts/audit", headers=keycloak.bearer(user))
        assert refused.status_code == 403
        refused_page = await client.get("/accounts/audit", headers=keycloak.bearer(user))
        assert refused_page.status_code == 403


SECOND = {"name": "Wang Fang", "phone": "+86 21 5555 0404"}
PERSONAL = ("Zhang", "5555 0303", "zhang.min@example.com", "Huaihai", "1975-03-02", "mornings")


def personal_data_in(text: str) -> list[str]:
    return [value for value in PERSONAL if value in text]


async def report_done(
    producer: AIOKafkaProducer, account_id: str, erasure_id: str, service: str
) -> None:
    """What a service publishes once it erased its copies."""
    event = ErasureCompleted(
        account_id=account_id,
        erasure_id=erasure_id,
        service=service,
        completed_at=datetime.now(UTC),
    )
    envelope = CloudEvent.wrap(event, source=service)
    await producer.send_and_wait(ERASURES_TOPIC, envelope.to_json_bytes(), key=account_id.encode())


async def test_an_erased_contact_is_anonymised_in_every_version_and_page_and_the_report_follows_each_service(
    accounts_client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
    kafka_producer: AIOKafkaProducer,
) -> None:
    client = accounts_client
    account, contact = await account_with_contact(client)
    card = (await client.get(f"/api/v1/accounts/{account}/card")).json()
    between = datetime.now(UTC)
    second = await client.put(
        f"/api/v1/accounts/{account}/card",
        json={
            "contacts": [{**CONTACT, "contact_id": contact, "phone": "+86 21 5555 0309"}, SECOND],
            "notes": card["notes"],
        },
    )
    assert second.status_code == 200, second.text
    await client.post(
        f"/api/v1/accounts/{account}/contacts/{contact}/consent",
        json={"state": "given", "channel": "email", "note": "Zhang replied yes"},
    )
    admin = keycloak.bearer(ADMIN)
    refused = await client.post(
        f"/api/v1/accounts/{account}/erasures", json={"contact_id": contact, "why": "asked"}
    )
    assert refused.status_code == 403

    erased = await client.post(
        f"/api/v1/accounts/{account}/erasures",
        json={"contact_id": contact, "why": "e-mail of 7 Dec asking to be forgotten"},
        headers=admin,
    )
    assert erased.status_code == 201, erased.text
    erasure = erased.json()
    assert (erasure["scope"], erasure["contact_ids"], erasure["done"]) == (
        "contact",
        [contact],
        False,
    )
    assert {(s["service"], s["state"]) for s in erasure["services"]} == {
        ("accounts", "done"),
        ("complaints", "pending"),
        ("engagement", "pending"),
        ("reporting", "pending"),
    }

    now = (await client.get(f"/api/v1/accounts/{account}/card")).json()
    assert [c["name"] for c in now["contacts"]] == ["(erased)", "Wang Fang"]
    assert now["contacts"][0]["phone"] == "" and now["contacts"][0]["birthday"] is None
    assert now["contacts"][1]["phone"] == "+86 21 5555 0404"
    before = await client.get(
        f"/api/v1/accounts/{account}/card", params={"as_of": between.isoformat()}
    )
    history = await client.get(f"/api/v1/accounts/{account}/card/history")
    consents = await client.get(f"/api/v1/accounts/{account}/consents")
    assert consents.json()["current"][0]["state"] == "given"  # the fact stays, not the note
    for answer in (before, history, consents):
        assert personal_data_in(answer.text) == [], answer.url
    for path in ("", "/card", "/card/history", f"/card/history?as_of={between.date()}"):
        page = await client.get(f"/accounts/{account}{path}")
        assert page.status_code == 200, path
        assert personal_data_in(page.text) == [], path
    assert "Wang Fang" in (await client.get(f"/accounts/{account}")).text
    log = (await client.get(f"/api/v1/accounts/{account}/card/access-log")).json()
    assert any(e["action"] == "erase" and e["what"] == f"contact {contact}" for e in log)

    published = await events(infrastructure, account, "accounts.contact.erased.v1")
    assert published[0]["erasure_id"] == erasure["erasure_id"]
    assert (published[0]["scope"], published[0]["contact_references"]) == ("contact", [contact])
    assert personal_data_in(json.dumps(published)) == []

    # A service the erasure does not wait for, and a repeat, change nothing.
    for service in ("billing", "engagement", "engagement", "complaints", "reporting"):
        await report_done(kafka_producer, account, erasure["erasure_id"], service)

    async def completed() -> dict[str, Any] | None:
        found = await client.get(
            f"/api/v1/accounts/erasures/{erasure['erasure_id']}", headers=admin
        )
        return found.json() if found.json()["done"] else None

    report = await eventually(completed)
    assert [(s["service"], s["state"]) for s in report["services"]] == [
        ("accounts", "done"),
        ("complaints", "done"),
        ("engagement", "done"),
        ("reporting", "done"),
    ]
    page = await client.get("/accounts/erasures/", params={"account_id": account}, headers=admin)
    assert f'data-erasure-id="{erasure["erasure_id"]}" data-done="yes"' in page.text
    assert page.text.count('data-state="done"') == 4


async def test_the_admin_erases_every_contact_of_an_account_from_the_erasure_page(
    accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    client = accounts_client
    account, _ = await account_with_contact(client)
    admin = keycloak.bearer(ADMIN)
    posted = await client.post(
        "/accounts/erasures/",
        data={"account_id": account, "contact_id": "", "why": "letter from the customer"},
        headers=admin,
    )
    assert posted.status_code == 303, posted.text
    card = (await client.get(f"/api/v1/accounts/{account}/card")).json()
    assert [c["name"] for c in card["contacts"]] == ["(erased)"]
    assert [n["text"] for n in card["notes"]] == ["(erased)"]
    listed = (
        await client.get("/api/v1/accounts/erasures", params={"account_id": account}, headers=admin)
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["scope"] == "account"
    unknown = await client.post(
        "/accounts/erasures/",
        data={"account_id": "no-such-account", "why": "letter"},
        headers=admin,
    )
    assert unknown.status_code == 404


# Far beyond the default (730 days), so no other test's dormant account is swept.
LONG_DORMANT_DAYS = 4000


async def test_the_scheduler_erases_the_contacts_of_an_account_dormant_too_long_once(
    accounts_client: httpx.AsyncClient,
    accounts_env: dict[str, str],
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    erp: Erp,
    keycloak: Keycloak,
) -> None:
    client = accounts_client
    dormant, recent = unique("OLD"), unique("NEW")
    await erp.publish(
        erp.customer(dormant),
        erp.order(dormant, unique("O"), "900", days_ago=LONG_DORMANT_DAYS + 100),
        erp.customer(recent),
        erp.order(recent, unique("O"), "900", days_ago=LONG_DORMANT_DAYS - 100),
    )

    async def both_dormant() -> bool:
        stages = [
            (await client.get(f"/api/v1/accounts/{a}")).json().get("lifecycle_stage")
            for a in (dormant, recent)
        ]
        return stages == ["dormant", "dormant"]

    await eventually(both_dormant)
    for account in (dormant, recent):
        saved = await client.put(f"/api/v1/accounts/{account}/card", json={"contacts": [CONTACT]})
        assert saved.status_code == 200, saved.text

    app = bootstrap(
        AccountsSettings(
            database_url=accounts_env["ACCOUNTS_DATABASE_URL"],
            anonymise_dormant_after_days=LONG_DORMANT_DAYS,
        )
    )
    try:
        async with app.engine.connect() as connection:
            swept_at_start = await connection.scalar(
                text("SELECT count(*) FROM accounts.timers WHERE kind = 'erase_dormant'")
            )
        assert swept_at_start, "the worker schedules the sweep when it starts"
        for _ in range(2):  # a second sweep finds nothing more to erase
            async with app.uow() as uow:
                erased = await sweep_dormant_accounts(uow, now=app.clock.now(), rules=app.privacy)
                await uow.commit()
            assert recent not in erased
    finally:
        await app.dispose()

    old_card = (await client.get(f"/api/v1/accounts/{dormant}/card")).json()
    assert [c["name"] for c in old_card["contacts"]] == ["(erased)"]
    new_card = (await client.get(f"/api/v1/accounts/{recent}/card")).json()
    assert [c["name"] for c in new_card["contacts"]] == ["Zhang Min"]
    listed = (
        await client.get(
            "/api/v1/accounts/erasures",
            params={"account_id": dormant},
            headers=keycloak.bearer(ADMIN),
        )
    ).json()
    assert listed["total"] == 1
    assert (listed["items"][0]["reason"], listed["items"][0]["requested_by"]) == (
        "dormant",
        "accounts",
    )
    published = await events(infrastructure, dormant, "accounts.contact.erased.v1")
    assert (published[0]["scope"], published[0]["reason"]) == ("account", "dormant")

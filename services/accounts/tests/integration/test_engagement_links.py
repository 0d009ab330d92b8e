"""What accounts and engagement tell each other, on the real processes, Kafka and PostgreSQL:
a card's yearly dates go out as AccountKeyDatesChanged; engagement's plan comes back as the
account's last and next contact."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from accounts_fixtures import Erp
from chassis.i18n import day
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    eventually,
    read_topic,
    unique,
)
from contracts import engagement_v1 as v1
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.envelope import CloudEvent, EventData

pytestmark = pytest.mark.integration

KEY_DATES = "accounts.account.key_dates_changed.v1"
# The machine client engagement reads cards' names as (client credentials, decision 0016).
NAME_READER = "service-account-rapport-feeder"


@pytest.fixture
def client(accounts_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API as AM-01, who manages the prospects these tests register."""
    return accounts_client


async def prospect(client: httpx.AsyncClient) -> str:
    body = {"account_id": unique("P"), "name": "Prospect Co", "region": "East"}
    response = await client.post("/api/v1/accounts", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["account_id"])


async def put_card(client: httpx.AsyncClient, account: str, card: dict[str, Any]) -> Any:
    response = await client.put(f"/api/v1/accounts/{account}/card", json=card)
    assert response.status_code == 200, response.text
    return response.json()


def with_contact(card: dict[str, Any], **changes: str) -> dict[str, Any]:
    """The card as read, sent back with its contact changed (ids kept)."""
    return {
        "contacts": [{**card["contacts"][0], **changes}],
        "important_dates": card["important_dates"],
        "expected_version": card["version"],
    }


async def key_date_events(
    infrastructure: Infrastructure, account: str, *, until_version: int
) -> list[dict[str, Any]]:
    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda r: r.key == account.encode() and json.loads(r.value)["type"] == KEY_DATES,
        until=lambda kept: any(
            json.loads(r.value)["data"]["card_version"] == until_version for r in kept
        ),
    )
    return [json.loads(record.value)["data"] for record in records]


async def test_a_card_with_a_birthday_publishes_its_key_dates_when_they_change(
    client: httpx.AsyncClient,
    accounts_worker: ServiceProcess,
    infrastructure: Infrastructure,
    keycloak: Keycloak,
) -> None:
    account = await prospect(client)
    card = await put_card(
        client,
        account,
        {
            "contacts": [{"name": "Li Wei", "birthday": "1980-05-17"}],
            "important_dates": [
                {"label": "Company anniversary", "on": "2008-03-01"},
                {"label": "Trade fair", "on": "2026-09-14", "recurring": False},
            ],
            "expected_version": 0,
        },
    )
    contact_id = card["contacts"][0]["contact_id"]
    anniversary_id = card["important_dates"][0]["date_id"]

    # A new phone number moves no yearly date (version 2); a moved birthday does (version 3).
    card = await put_card(client, account, with_contact(card, phone="+86 21 5555 0101"))
    assert card["version"] == 2
    await put_card(client, account, with_contact(card, birthday="1980-05-18"))

    published = await key_date_events(infrastructure, account, until_version=3)
    assert [event["card_version"] for event in published] == [1, 3]
    first = published[0]
    assert sorted(first["key_dates"], key=lambda d: d["kind"]) == [
        {"reference": anniversary_id, "kind": "anniversary", "month": 3, "day": 1},
        {"reference": contact_id, "kind": "birthday", "month": 5, "day": 17},
    ]
    assert "Li Wei" not in json.dumps(published)
    assert {"reference": contact_id, "kind": "birthday", "month": 5, "day": 18} in published[1][
        "key_dates"
    ]

    # Engagement's pages show the names behind the references, read with its machine token;
    # the read is logged under that client. The token opens nothing else.
    machine = {"Authorization": f"Bearer {keycloak.client_credentials_token()}"}
    names = await client.get(
        f"/api/v1/accounts/{account}/card/names",
        headers={**machine, "X-Rapport-Purpose": "care touch"},
    )
    assert names.status_code == 200, names.text
    assert names.json()["contacts"] == [{"reference": contact_id, "name": "Li Wei", "position": ""}]
    assert {"reference": anniversary_id, "label": "Company anniversary", "recurring": True} in (
        names.json()["dates"]
    )
    log = (await client.get(f"/api/v1/accounts/{account}/card/access-log")).json()
    assert {
        "actor": NAME_READER,
        "what": "contact names and date labels",
        "purpose": "care touch",
    }.items() <= log[0].items()
    for elsewhere in (f"/api/v1/accounts/{account}", f"/api/v1/accounts/{account}/card"):
        assert (await client.get(elsewhere, headers=machine)).status_code == 403


def engagement(data: EventData) -> CloudEvent:
    return CloudEvent.wrap(data, source=v1.SOURCE)


def planned(account: str, item_id: str, due_on: date, kind: v1.ItemKind) -> v1.PlanItemPlanned:
    return v1.PlanItemPlanned(
        item_id=item_id,
        account_id=account,
        kind=kind,
        origin="cadence" if kind == "visit" else "first_order_3d",
        due_on=due_on,
        window_start=due_on,
        window_end=due_on + timedelta(days=3),
        planned_at=datetime.now(UTC),
    )


def visit(account: str, on: date, channel: v1.Channel, item_id: str | None) -> v1.VisitLogged:
    return v1.VisitLogged(
        visit_id=unique("V"),
        account_id=account,
        manager="AM-01",
        item_id=item_id,
        occurred_on=on,
        channel=channel,
        duration_minutes=5,
        outcome="information",
        logged_at=datetime.now(UTC),
    )


async def test_plan_events_show_the_last_and_next_contact_and_a_redelivery_counts_once(
    client: httpx.AsyncClient,
    erp: Erp,
    accounts_worker: ServiceProcess,
) -> None:
    account = await prospect(client)
    today = datetime.now(UTC).date()
    call = engagement(planned(account, unique("I"), today + timedelta(days=3), "call"))
    cadence_visit = planned(account, unique("I"), today + timedelta(days=7), "visit")
    call_item = call.data["item_id"]
    await erp.publish(
        call,
        engagement(cadence_visit),
        engagement(visit(account, today - timedelta(days=1), "phone", call_item)),
        engagement(
            v1.PlanItemDone(
                item_id=call_item,
                account_id=account,
                kind="call",
                origin="first_order_3d",
                due_on=today + timedelta(days=3),
                window_end=today + timedelta(days=6),
                on_time=True,
                done_at=datetime.now(UTC),
            )
        ),
    )

    async def shown(last_channel: str) -> dict[str, Any] | None:
        found = (await client.get(f"/api/v1/accounts/{account}")).json()
        return found if found["last_contact_channel"] == last_channel else None

    found = await eventually(lambda: shown("phone"))
    assert found["last_contact_on"] == (today - timedelta(days=1)).isoformat()
    assert (found["next_contact_due"], found["next_contact_kind"]) == (
        cadence_visit.due_on.isoformat(),
        "visit",
    )
    assert found["next_contact_origin"] == "cadence"

    # The done call planned again by a redelivery would be next; a later visit marks the end.
    await erp.publish(call, engagement(visit(account, today, "on_site", None)))
    found = await eventually(lambda: shown("on_site"))
    assert found["last_contact_on"] == today.isoformat()
    assert found["next_contact_due"] == cadence_visit.due_on.isoformat()

    page = await client.get(f"/accounts/{account}")
    assert page.status_code == 200
    # Dates in the page's language (English by default: `Dec 3, 2026`).
    assert f'{day(today)} <span class="muted">on site</span>' in page.text
    assert f"{day(cadence_visit.due_on)} · visit" in page.text

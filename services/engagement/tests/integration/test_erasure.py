"""Erasure (decision 0020) on the real worker, broker and PostgreSQL: accounts' erasure event in,
the erased contact's visit notes, next step and birthday gone from the API, the page and the
database, its open care touch cancelled, the other contact's kept; the completion out on
privacy.erasures.v1 through the outbox. An erasure of the whole account anonymises every visit's
and item's note."""

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import select

from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    eventually,
    read_topic,
    unique,
)
from contracts import accounts_v1
from contracts.envelope import CloudEvent, EventData
from contracts.privacy_v1 import ERASURES_TOPIC
from engagement.adapters.tables import key_dates, outbox, plan_items
from engagement.bootstrap import Engagement, bootstrap
from engagement_fixtures import (
    T0,
    add_account,
    engagement_settings,
    feed_accounts,
    registered,
    signed_in,
)

pytestmark = pytest.mark.integration

API = "/api/v1/engagement"
MANAGER = "AM-01"  # on SUP-01's team, whom the API is asked as


def closed_port_url() -> str:
    """Accounts down: the page shows care touches by reference, it still renders."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
async def live(engagement_service: ServiceUnderTest) -> AsyncIterator[Engagement]:
    """The service in process on the real clock, the worker's."""
    app = bootstrap(
        engagement_settings(
            engagement_service.env,
            accounts_api_url=closed_port_url(),
            accounts_api_timeout_seconds=2.0,
        )
    )
    yield app
    await app.dispose()


@pytest.fixture
async def worker(engagement_service: ServiceUnderTest) -> AsyncIterator[ServiceProcess]:
    async with engagement_service.running("worker") as processes:
        yield processes["worker"]


async def publish(producer: AIOKafkaProducer, data: EventData) -> None:
    envelope = CloudEvent.wrap(data, source="accounts")
    await producer.send_and_wait(data.topic, envelope.to_json_bytes(), key=data.subject().encode())


async def birthday_touches(app: Engagement, account_id: str) -> dict[str, str]:
    """Each birthday touch's card reference -> its state."""
    async with app.uow() as uow:
        rows = await uow.session.execute(
            select(plan_items.c.trigger, plan_items.c.state).where(
                plan_items.c.account_id == account_id, plan_items.c.origin == "birthday"
            )
        )
        return {trigger.split(":")[1]: state for trigger, state in rows}


async def test_an_erasure_anonymises_the_contacts_visits_and_drops_its_birthday(
    live: Engagement,
    worker: ServiceProcess,
    keycloak: Keycloak,
    kafka_producer: AIOKafkaProducer,
    infrastructure: Infrastructure,
) -> None:
    account_id = unique("C")
    now = datetime.now(UTC)
    birthday = (now + timedelta(days=10)).date()
    await publish(kafka_producer, registered(account_id, manager=MANAGER, at=now))
    await publish(
        kafka_producer,
        accounts_v1.AccountKeyDatesChanged(
            account_id=account_id,
            card_version=1,
            key_dates=[
                accounts_v1.KeyDate(
                    reference=reference, kind="birthday", month=birthday.month, day=birthday.day
                )
                for reference in ("c-gone", "c-kept")
            ],
            changed_at=now,
        ),
    )

    async def both_planned() -> bool:
        return await birthday_touches(live, account_id) == {
            "c-gone": "planned",
            "c-kept": "planned",
        }

    await eventually(both_planned, within=60)

    async with signed_in(live, keycloak) as api:
        visits = {}
        for contact, notes in (("c-gone", "Ms Wang's daughter is ill"), ("c-kept", "fine")):
            logged = await api.post(
                f"{API}/visits",
                json={
                    "account_id": account_id,
                    "occurred_on": str(now.date()),
                    "channel": "phone",
                    "contact_ref": contact,
                    "duration_minutes": 15,
                    "outcome": "information",
                    "notes": notes,
                    "next_step": {
                        "kind": "call",
                        "due_on": str(now.date() + timedelta(days=3)),
                        "note": f"ask {notes}",
                    },
                },
            )
            assert logged.status_code == 201, logged.text
            visits[contact] = logged.json()

        erasure = accounts_v1.AccountContactsErased(
            account_id=account_id,
            erasure_id=unique("E"),
            scope="contact",
            contact_references=["c-gone"],
            reason="request",
            requested_by="ADM-01",
            erased_at=datetime.now(UTC),
        )
        await publish(kafka_producer, erasure)

        async def cancelled() -> bool:
            return await birthday_touches(live, account_id) == {
                "c-gone": "cancelled",
                "c-kept": "planned",
            }

        await eventually(cancelled, within=60)

        plan = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
        shown = {visit["contact_ref"]: visit for visit in plan["visits"]}
        assert (shown["c-gone"]["notes"], shown["c-gone"]["next_step"]) == ("(erased)", "(erased)")
        assert (shown["c-kept"]["notes"], shown["c-kept"]["next_step"]) == ("fine", "ask fine")
        assert "Ms Wang" not in json.dumps(plan)
        gone_step = visits["c-gone"]["next_step_item_id"]
        kept_step = visits["c-kept"]["next_step_item_id"]
        assert (await api.get(f"{API}/items/{gone_step}")).json()["note"] == "(erased)"
        assert (await api.get(f"{API}/items/{kept_step}")).json()["note"] == "ask fine"
        page = await api.get(f"/engagement/accounts/{account_id}")
        assert page.status_code == 200
        assert "Ms Wang" not in page.text and "(erased)" in page.text

    async with live.uow() as uow:
        references = await uow.session.scalars(
            select(key_dates.c.reference).where(key_dates.c.account_id == account_id)
        )
        assert list(references) == ["c-kept"]
    completions = await read_topic(
        infrastructure.kafka,
        ERASURES_TOPIC,
        keep=lambda r: json.loads(r.value)["data"]["erasure_id"] == erasure.erasure_id,
        until=lambda kept: len(kept) >= 1,
    )
    data = json.loads(completions[0].value)["data"]
    assert (data["account_id"], data["service"]) == (account_id, "engagement")


async def test_an_account_erasure_anonymises_every_visit_and_item_note(
    engagement: Engagement, keycloak: Keycloak
) -> None:
    account_id, _ = await add_account(engagement)
    async with signed_in(engagement, keycloak) as api:
        item = await api.post(
            f"{API}/items",
            json={
                "account_id": account_id,
                "kind": "call",
                "due_on": "2026-12-04",
                "note": "Mr Wu wants the new price list",
            },
        )
        assert item.status_code == 201, item.text
        logged = await api.post(
            f"{API}/visits",
            json={
                "account_id": account_id,
                "occurred_on": "2026-12-01",
                "channel": "on_site",
                "duration_minutes": 30,
                "outcome": "information",
                "notes": "met Mr Wu and his deputy",
            },
        )
        assert logged.status_code == 201, logged.text
        erasure = accounts_v1.AccountContactsErased(
            account_id=account_id,
            erasure_id=unique("E"),
            scope="account",
            contact_references=[],
            reason="dormant",
            requested_by="accounts",
            erased_at=T0,
        )
        await feed_accounts(engagement, [erasure])

        plan = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
        assert [visit["notes"] for visit in plan["visits"]] == ["(erased)"]
        note = (await api.get(f"{API}/items/{item.json()['item_id']}")).json()["note"]
        assert note == "(erased)"
    async with engagement.uow() as uow:
        reported = await uow.session.scalars(
            select(outbox.c.payload["data"]["service"].astext).where(
                outbox.c.payload["data"]["erasure_id"].astext == erasure.erasure_id
            )
        )
        assert list(reported) == ["engagement"]

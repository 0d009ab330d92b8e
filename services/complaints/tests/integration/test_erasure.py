"""Erasure (decision 0020) on the real worker, broker and PostgreSQL: accounts' erasure event in,
the account's tickets anonymised on the API, the page and in the database, the completion out
on privacy.erasures.v1 through the outbox, once however often the event comes."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from chassis.testing import Infrastructure, Keycloak, ServiceProcess, eventually, read_topic, unique
from complaints.adapters.tables import outbox, ticket_clocks, ticket_history
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ActingByRoute, new_ticket
from contracts.accounts_v1 import ACCOUNTS_TOPIC, AccountContactsErased, AccountVipGranted
from contracts.envelope import CloudEvent
from contracts.privacy_v1 import ERASURES_TOPIC

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
async def api(
    complaints: Complaints, activate_policy: Any, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://complaints", auth=ActingByRoute(keycloak)
    ) as client:
        yield client


async def test_an_erasure_anonymises_the_accounts_tickets_and_is_reported_once(
    api: httpx.AsyncClient,
    complaints: Complaints,
    new_account: Any,
    complaints_worker: ServiceProcess,
    kafka_producer: AIOKafkaProducer,
    infrastructure: Infrastructure,
) -> None:
    account = await new_account()
    filed = await api.post(
        "/api/v1/complaints/tickets",
        json=new_ticket(account, contact="Ms Li, 139 0000 1111", description="Ms Li was rude"),
    )
    assert filed.status_code == 201, filed.text
    ticket = filed.json()["id"]
    for step, body in [
        ("acknowledge", None),
        ("clocks/resolve/pause", {"reason": "waiting for Ms Li's photos"}),
    ]:
        done = await api.post(f"/api/v1/complaints/tickets/{ticket}/{step}", json=body)
        assert done.status_code == 200, done.text
    other = await api.post("/api/v1/complaints/tickets", json=new_ticket(await new_account()))
    assert other.status_code == 201

    await complaints_worker.start().wait_ready()
    now = datetime.now(UTC)
    erasure = AccountContactsErased(
        account_id=account,
        erasure_id=unique("E"),
        scope="contact",
        contact_references=["c-1"],
        reason="request",
        requested_by="ADM-01",
        erased_at=now,
    )
    granted = AccountVipGranted(
        account_id=account, nominated_by="AM-01", approved_by="HD-01", reason="r", granted_at=now
    )
    envelope = CloudEvent.wrap(erasure, source="accounts")
    # Twice (a redelivery changes nothing and reports nothing again), then an event the read
    # model shows: once it does, both copies have been handled (one partition, in order).
    for record in [envelope, envelope, CloudEvent.wrap(granted, source="accounts")]:
        await kafka_producer.send_and_wait(
            ACCOUNTS_TOPIC, record.to_json_bytes(), key=account.encode()
        )

    async def handled() -> bool:
        async with complaints.uow() as uow:
            known = await uow.accounts.get(account, visible_to=None)
        return known is not None and known.vip

    await eventually(handled, within=60)

    async def anonymised() -> bool:
        shown = (await api.get(f"/api/v1/complaints/tickets/{ticket}")).json()
        return bool(shown["contact"] == "(erased)")

    await eventually(anonymised, within=60)
    shown = (await api.get(f"/api/v1/complaints/tickets/{ticket}")).json()
    assert shown["description"] == "(erased)"
    assert "Ms Li" not in json.dumps(shown)
    assert (shown["category"], shown["severity"], shown["status"]) == (
        "delivery",
        2,
        "acknowledged",
    )
    page = await api.get(f"/complaints/tickets/{ticket}")
    assert page.status_code == 200
    assert "Ms Li" not in page.text and "(erased)" in page.text
    untouched = (await api.get(f"/api/v1/complaints/tickets/{other.json()['id']}")).json()
    assert untouched["contact"] == "Ms Li"

    completions = await read_topic(
        infrastructure.kafka,
        ERASURES_TOPIC,
        keep=lambda r: json.loads(r.value)["data"]["erasure_id"] == erasure.erasure_id,
        until=lambda kept: len(kept) >= 1,
    )
    data = json.loads(completions[0].value)["data"]
    assert (data["account_id"], data["service"]) == (account, "complaints")
    async with complaints.uow() as uow:
        reasons = await uow.session.scalars(
            select(ticket_clocks.c.pause_reason).where(ticket_clocks.c.ticket_id == ticket)
        )
        assert set(reasons) <= {None, "(erased)"}
        details = await uow.session.scalars(
            select(ticket_history.c.detail).where(ticket_history.c.ticket_id == ticket)
        )
        assert "Ms Li" not in json.dumps(list(details))
        reported = await uow.session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(
                outbox.c.payload["type"].astext == "privacy.erasure.completed.v1",
                outbox.c.payload["data"]["erasure_id"].astext == erasure.erasure_id,
            )
        )
        assert reported == 1

"""Erasure end to end (issue 11, decision 0020): the admin erases a contact in accounts through
its API; engagement and complaints anonymise their copies in their own databases and pages,
reporting reports too, and accounts' erasure report shows every service done. Every process is
real: Kafka, PostgreSQL, Keycloak, accounts, engagement, complaints and reporting."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from accounts_fixtures import ADMIN, MANAGER, Erp
from chassis.db import asyncpg_url
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    SignedInAs,
    eventually,
    unique,
)
from complaints_fixtures import prepare_complaints
from engagement_fixtures import prepare_engagement
from reporting_fixtures import prepare_reporting

pytestmark = pytest.mark.integration

NAME, PHONE, NOTES = "Zhou Lan", "+86 21 5555 0707", "Zhou Lan asked about her son's school"


@pytest.fixture(scope="module")
async def services(
    infrastructure: Infrastructure, accounts_worker: ServiceProcess, accounts_api: ServiceProcess
) -> AsyncIterator[dict[str, Any]]:
    """Engagement, complaints and reporting reading what accounts publishes from now on."""
    engagement = await prepare_engagement(
        infrastructure, env={"ENGAGEMENT_ACCOUNTS_API_URL": accounts_api.base_url}
    )
    complaints = await prepare_complaints(infrastructure)
    reporting = await prepare_reporting(infrastructure)
    async with (
        engagement.running("api", "worker") as engagement_processes,
        complaints.running("api", "worker") as complaints_processes,
        reporting.running("worker"),
    ):
        yield {
            "accounts": accounts_api,
            "engagement": engagement_processes["api"],
            "complaints": complaints_processes["api"],
            "engagement_service": engagement,
            "complaints_service": complaints,
        }


async def rows(service: ServiceUnderTest, query: str, **params: str) -> list[dict[str, Any]]:
    """What the service's own database holds."""
    engine = create_async_engine(asyncpg_url(service.database_url))
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text(query), params)
            return [dict(row._mapping) for row in found]
    finally:
        await engine.dispose()


async def test_a_contact_erased_in_accounts_is_anonymised_everywhere_and_reported_done(
    services: dict[str, Any], erp: Erp, keycloak: Keycloak
) -> None:
    account = unique("E2E")
    await erp.publish(erp.customer(account, name="Erasure Trading Co"))
    auth = SignedInAs(keycloak, MANAGER)
    async with (
        httpx.AsyncClient(base_url=services["accounts"].base_url, auth=auth) as accounts,
        httpx.AsyncClient(base_url=services["complaints"].base_url, auth=auth) as complaints,
        httpx.AsyncClient(base_url=services["engagement"].base_url, auth=auth) as engagement,
    ):

        async def card_saved() -> str | None:
            saved = await accounts.put(
                f"/api/v1/accounts/{account}/card",
                json={"contacts": [{"name": NAME, "phone": PHONE, "birthday": "1980-06-01"}]},
            )
            return saved.json()["contacts"][0]["contact_id"] if saved.status_code == 200 else None

        contact = await eventually(card_saved)

        async def ticket_filed() -> str | None:
            filed = await complaints.post(
                "/api/v1/complaints/tickets",
                json={
                    "account_id": account,
                    "contact": f"{NAME}, {PHONE}",
                    "channel": "hotline",
                    "category": "delivery",
                    "severity": 2,
                    "description": f"{NAME} says the pallet arrived crushed",
                },
            )
            return filed.json()["id"] if filed.status_code == 201 else None

        ticket = await eventually(ticket_filed)

        async def visit_logged() -> str | None:
            logged = await engagement.post(
                "/api/v1/engagement/visits",
                json={
                    "account_id": account,
                    "occurred_on": "2026-12-01",
                    "channel": "phone",
                    "contact_ref": contact,
                    "duration_minutes": 20,
                    "outcome": "information",
                    "notes": NOTES,
                },
            )
            return logged.json()["visit_id"] if logged.status_code == 201 else None

        visit = await eventually(visit_logged)

        erased = await accounts.post(
            f"/api/v1/accounts/{account}/erasures",
            json={"contact_id": contact, "why": "the contact asked to be forgotten"},
            headers=keycloak.bearer(ADMIN),
        )
        assert erased.status_code == 201, erased.text
        erasure_id = erased.json()["erasure_id"]

        async def done() -> dict[str, Any] | None:
            report = await accounts.get(
                f"/api/v1/accounts/erasures/{erasure_id}", headers=keycloak.bearer(ADMIN)
            )
            body = report.json()
            return body if report.status_code == 200 and body["done"] else None

        report = await eventually(done, within=90)
        assert {(s["service"], s["state"]) for s in report["services"]} == {
            ("accounts", "done"),
            ("complaints", "done"),
            ("engagement", "done"),
            ("reporting", "done"),
        }
        page = await accounts.get(
            "/accounts/erasures/", params={"account_id": account}, headers=keycloak.bearer(ADMIN)
        )
        assert f'data-erasure-id="{erasure_id}" data-done="yes"' in page.text

        # Every service's API and pages.
        answers = [
            await accounts.get(f"/api/v1/accounts/{account}/card"),
            await accounts.get(f"/accounts/{account}"),
            await complaints.get(f"/api/v1/complaints/tickets/{ticket}"),
            await complaints.get(f"/complaints/tickets/{ticket}"),
            await engagement.get(f"/api/v1/engagement/accounts/{account}/plan"),
            await engagement.get(f"/engagement/accounts/{account}"),
        ]
        for answer in answers:
            assert answer.status_code == 200, answer.url
            assert NAME not in answer.text and PHONE not in answer.text, answer.url
            assert "(erased)" in answer.text, answer.url

    # And their own databases.
    tickets = await rows(
        services["complaints_service"],
        "SELECT contact, description FROM complaints.tickets WHERE id = :id",
        id=ticket,
    )
    assert tickets == [{"contact": "(erased)", "description": "(erased)"}]
    visits = await rows(
        services["engagement_service"],
        "SELECT notes, contact_ref FROM engagement.visits WHERE visit_id = :id",
        id=visit,
    )
    assert visits == [{"notes": "(erased)", "contact_ref": contact}]
    dates = await rows(
        services["engagement_service"],
        "SELECT reference FROM engagement.key_dates WHERE account_id = :id",
        id=account,
    )
    assert dates == []
    assert NAME not in json.dumps([tickets, visits])

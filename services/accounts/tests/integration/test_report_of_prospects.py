"""An evaluation report counts every account registered before the period's end, prospects
too: a prospect has no grade yet, and its line says so instead of failing the report."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from accounts_fixtures import OTHER_MANAGER, SUPERVISOR
from chassis.testing import Keycloak, ServiceUnderTest, unique

pytestmark = pytest.mark.integration
# A half-year no other test reports on (a report's period is unique in the session's database).
PERIOD = f"{datetime.now(UTC).year - 4}-H2"


async def test_a_prospect_at_the_periods_end_gets_a_line_without_a_grade(
    accounts: ServiceUnderTest, accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    # AM-01 registers the prospect; their supervisor makes the report.
    created = await accounts_client.post("/api/v1/accounts", json={"name": unique("Prospect")})
    assert created.status_code == 201, created.text
    prospect = created.json()["account_id"]
    # Registered five years ago, and never ordered: a prospect at the period's end.
    engine = create_async_engine(accounts.env["ACCOUNTS_DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE accounts SET registered_at = now() - interval '5 years'"
                " WHERE account_id = :account"
            ),
            {"account": prospect},
        )
    await engine.dispose()

    report = await accounts_client.post(
        "/api/v1/accounts/evaluation-reports",
        json={"period": PERIOD},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert report.status_code == 201, report.text
    detail = await accounts_client.get(f"/api/v1/accounts/evaluation-reports/{report.json()['id']}")
    page = await accounts_client.get(f"/accounts/reports/{report.json()['id']}")

    lines: list[dict[str, Any]] = detail.json()["lines"]
    line = next(line for line in lines if line["account_id"] == prospect)
    assert (line["grade"], line["recommendation"], line["lifecycle_stage"]) == (
        None,
        None,
        "prospect",
    )
    assert page.status_code == 200
    assert prospect in page.text
    one = await accounts_client.get(f"/accounts/reports/{report.json()['id']}/{prospect}")
    assert one.status_code == 200, one.text
    # Another team's manager reads the same report without AM-01's accounts.
    elsewhere = await accounts_client.get(
        f"/api/v1/accounts/evaluation-reports/{report.json()['id']}",
        headers=keycloak.bearer(OTHER_MANAGER),
    )
    assert elsewhere.status_code == 200
    assert all(line["account_manager"] == "AM-04" for line in elsewhere.json()["lines"])

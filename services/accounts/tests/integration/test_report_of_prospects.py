"""An evaluation report counts every account registered before the period's end, prospects
too: a prospect has no grade yet, and its line says so instead of failing the report."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.testing import ServiceProcess, ServiceUnderTest, unique

pytestmark = pytest.mark.integration

MANAGER = {"X-Rapport-User": "AM-01"}
# A half-year no other test reports on (a report's period is unique in the session's database).
PERIOD = f"{datetime.now(UTC).year - 4}-H2"


async def test_a_prospect_at_the_periods_end_gets_a_line_without_a_grade(
    accounts: ServiceUnderTest, accounts_api: ServiceProcess
) -> None:
    async with httpx.AsyncClient(base_url=accounts_api.base_url, timeout=30) as client:
        created = await client.post(
            "/api/v1/accounts", json={"name": unique("Prospect")}, headers=MANAGER
        )
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

        report = await client.post(
            "/api/v1/accounts/evaluation-reports", json={"period": PERIOD}, headers=MANAGER
        )
        assert report.status_code == 201, report.text
        detail = await client.get(f"/api/v1/accounts/evaluation-reports/{report.json()['id']}")
        page = await client.get(f"/accounts/reports/{report.json()['id']}")

    lines: list[dict[str, Any]] = detail.json()["lines"]
    line = next(line for line in lines if line["account_id"] == prospect)
    assert (line["grade"], line["recommendation"], line["lifecycle_stage"]) == (
        None,
        None,
        "prospect",
    )
    assert page.status_code == 200
    assert prospect in page.text
    async with httpx.AsyncClient(base_url=accounts_api.base_url, timeout=30) as client:
        one = await client.get(f"/accounts/reports/{report.json()['id']}/{prospect}")
    assert one.status_code == 200, one.text

"""Reporting pages in headless Chromium, through the nginx front door: a demo manager's
dashboard shows charts and figures; a drill-down opens the events behind a number; a CSV
download holds the table's rows.

The service runs as its api and worker processes on topics of its own; the events arrive on
Kafka as the accounts service, the ERP and engagement publish them."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import Page, expect

from chassis.kafka import KafkaConnection
from chassis.testing import FrontDoor, Infrastructure, eventually, unique
from contracts import accounts_v1, engagement_v1, erp_v1
from contracts.envelope import CloudEvent, EventData
from reporting_fixtures import prepare_reporting

pytestmark = [pytest.mark.integration, pytest.mark.browser]

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
async def reporting_site(infrastructure: Infrastructure) -> AsyncIterator[dict[str, Any]]:
    prefix = f"reporting.{unique('rb')}."
    reporting = await prepare_reporting(infrastructure, topic_prefix=prefix)
    async with reporting.running("api", "worker") as processes:
        door = FrontDoor({"reporting": processes["api"].port})
        try:
            yield {"url": door.start(), "prefix": prefix}
        finally:
            door.stop()


async def publish(kafka: KafkaConnection, prefix: str, events: list[EventData]) -> None:
    producer = AIOKafkaProducer(**kafka.client_kwargs(), acks="all")
    await producer.start()
    try:
        for data in events:
            envelope = CloudEvent.wrap(data, source=data.topic.split(".")[0], time=NOW)
            await producer.send_and_wait(
                f"{prefix}{data.topic}", envelope.to_json_bytes(), key=envelope.subject.encode()
            )
    finally:
        await producer.stop()


@pytest.fixture(scope="module")
async def demo_manager(
    reporting_site: dict[str, Any], infrastructure: Infrastructure
) -> AsyncIterator[str]:
    """A manager with two accounts, three orders, two visits and two answers this month."""
    manager = unique("AM")
    accounts = [unique("C") for _ in range(2)]
    events: list[EventData] = [
        accounts_v1.AccountRegistered(
            account_id=account,
            name="Shop",
            region="East",
            country="CN",
            segment="pharmacy",
            account_manager=manager,
            registered_at=NOW - timedelta(days=200),
        )
        for account in accounts
    ]
    events += [
        erp_v1.OrderPlaced.model_validate(
            {
                "order_id": unique("SO"),
                "customer_id": accounts[index % 2],
                "placed_at": NOW,
                "currency": "CNY",
                "total": total,
                "lines": [{"sku": "S", "category": "skincare", "quantity": 1, "unit_price": total}],
            }
        )
        for index, total in enumerate(["120.00", "80.00", "50.00"])
    ]
    events += [
        engagement_v1.VisitLogged(
            visit_id=unique("v"),
            account_id=account,
            manager=manager,
            occurred_on=NOW.date(),
            channel="on_site",
            duration_minutes=30,
            outcome="information",
            logged_at=NOW,
        )
        for account in accounts
    ]
    events += [
        engagement_v1.FeedbackRecorded(
            feedback_id=unique("fb"),
            account_id=account,
            nps=10,
            csat=5,
            context="visit",
            responded_at=NOW,
        )
        for account in accounts
    ]
    await publish(infrastructure.kafka, reporting_site["prefix"], events)
    async with httpx.AsyncClient(base_url=reporting_site["url"], timeout=10) as client:

        async def counted() -> bool:
            try:
                answer = await client.get(
                    "/api/v1/reporting/figures/nps", params={"scope": f"manager:{manager}"}
                )
            except httpx.HTTPError:
                return False
            return (
                answer.status_code == 200 and answer.json()["figures"][0]["value"]["answers"] == 2
            )

        await eventually(counted, within=60)
    yield manager


async def test_the_manager_dashboard_shows_charts_and_figures(
    page: Page, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    await page.goto(f"{reporting_site['url']}/reporting/?scope=manager:{demo_manager}")
    await expect(page.locator("h1")).to_contain_text(f"manager:{demo_manager}")
    await expect(page.locator('[data-figure="nps"] .value')).to_have_text("100.00")
    await expect(page.locator('[data-figure="csat"] .value')).to_have_text("100.00%")
    assert await page.locator("svg.chart").count() >= 3
    await expect(page.locator('svg.chart rect.bar:not([height="0.0"])').first).to_be_visible()
    await expect(page.locator('[data-table="visits_by_manager"]')).to_contain_text(demo_manager)


async def test_a_drill_down_opens_the_events_behind_a_number(
    page: Page, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    await page.goto(f"{reporting_site['url']}/reporting/?scope=manager:{demo_manager}")
    await page.locator('[data-figure="nps"] .value').click()
    await expect(page.locator("h1")).to_contain_text("Events behind nps")
    rows = page.locator('table[aria-label="events"] tbody tr')
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("engagement.feedback.recorded.v1")
    assert (await rows.first.locator("a").get_attribute("href") or "").startswith("/accounts/")


async def test_a_csv_download_holds_the_tables_rows(
    page: Page, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    await page.goto(f"{reporting_site['url']}/reporting/?scope=manager:{demo_manager}")
    async with page.expect_download() as waiting:
        await page.locator('[data-table="revenue_by_category"] a.csv').click()
    download = await waiting.value
    path = await download.path()
    rows = list(csv.reader(io.StringIO(path.read_text())))
    assert rows == [["key", "net revenue", "share %"], ["skincare", "250.00", "100.00"]]

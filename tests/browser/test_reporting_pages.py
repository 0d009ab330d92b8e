"""Reporting pages in headless Chromium, through the nginx front door, signed in through
Keycloak: a manager's dashboard shows their charts and figures; a drill-down opens the events
behind a number; a CSV download holds the table's rows; another manager's dashboard and events
are not found; the language switch turns the dashboard into Chinese, money in yuan and the days
in the Chinese format, and the period report follows.

The service runs as its api and worker processes on topics and a database of its own (the
demo manager AM-01's figures are only this test's); the events arrive on Kafka as the accounts
service, the ERP and engagement publish them."""

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import BrowserContext, expect

from chassis.kafka import KafkaConnection
from chassis.testing import (
    FrontDoor,
    Infrastructure,
    Keycloak,
    eventually,
    free_port,
    scratch_database,
    sign_in,
    unique,
)
from contracts import accounts_v1, engagement_v1, erp_v1
from contracts.envelope import CloudEvent, EventData
from reporting_fixtures import MANAGER, prepare_reporting

pytestmark = [pytest.mark.integration, pytest.mark.browser]

NOW = datetime.now(UTC)
# The signed-in manager (am-01) and a manager of another team.
OWN, FOREIGN = "AM-01", "AM-04"


@pytest.fixture(scope="module")
async def reporting_site(infrastructure: Infrastructure) -> AsyncIterator[dict[str, Any]]:
    prefix = f"reporting.{unique('rb')}."
    door_port = free_port()
    async with scratch_database(infrastructure, "reporting_browser") as database:
        reporting = await prepare_reporting(
            infrastructure,
            database=database,
            topic_prefix=prefix,
            # The sign-in comes back to the front door.
            env={"RAPPORT_OIDC_PUBLIC_URL": f"http://127.0.0.1:{door_port}"},
        )
        async with reporting.running("api", "worker") as processes:
            door = FrontDoor({"reporting": processes["api"].port}, port=door_port)
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
    reporting_site: dict[str, Any], infrastructure: Infrastructure, keycloak: Keycloak
) -> AsyncIterator[str]:
    """AM-01 with two accounts, three orders, two visits and two answers this month; AM-04
    with an account and an order of their own."""
    manager = OWN
    accounts = [unique("C") for _ in range(2)]
    foreign = unique("C")
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
    events += [
        accounts_v1.AccountRegistered(
            account_id=foreign,
            name="Other shop",
            region="South",
            country="CN",
            segment="pharmacy",
            account_manager=FOREIGN,
            registered_at=NOW - timedelta(days=200),
        ),
        erp_v1.OrderPlaced.model_validate(
            {
                "order_id": unique("SO"),
                "customer_id": foreign,
                "placed_at": NOW,
                "currency": "CNY",
                "total": "999.00",
                "lines": [
                    {"sku": "S", "category": "skincare", "quantity": 1, "unit_price": "999.00"}
                ],
            }
        ),
    ]
    await publish(infrastructure.kafka, reporting_site["prefix"], events)
    async with httpx.AsyncClient(
        base_url=reporting_site["url"], timeout=10, headers=keycloak.bearer(MANAGER)
    ) as client:

        async def counted() -> bool:
            try:
                answer = await client.get("/api/v1/reporting/figures/nps")
            except httpx.HTTPError:
                return False
            return (
                answer.status_code == 200 and answer.json()["figures"][0]["value"]["answers"] == 2
            )

        await eventually(counted, within=60)
    yield manager


async def test_the_manager_dashboard_shows_charts_and_figures(
    browser: BrowserContext, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    page = await browser.new_page()
    # Without a scope, the signed-in manager's own dashboard.
    await sign_in(page, f"{reporting_site['url']}/reporting/", MANAGER)
    await expect(page.locator("h1")).to_contain_text(f"Manager {demo_manager}")
    await expect(page.locator('[data-figure="nps"] .value')).to_have_text("100.00")
    await expect(page.locator('[data-figure="csat"] .value')).to_have_text("100.00%")
    assert await page.locator("svg.chart").count() >= 3
    await expect(page.locator('svg.chart rect.bar:not([height="0.0"])').first).to_be_visible()
    await expect(page.locator('[data-table="visits_by_manager"]')).to_contain_text(demo_manager)
    # The picker offers their own scope only.
    options = page.locator('select[name="scope"] option')
    await expect(options).to_have_count(1)
    await expect(options).to_have_attribute("value", f"manager:{demo_manager}")
    # The signed-in user's id and sign-out are in the layout.
    await expect(page.locator("form.session .who")).to_have_text(demo_manager)


async def test_a_drill_down_opens_the_events_behind_a_number(
    browser: BrowserContext, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    page = await browser.new_page()
    await sign_in(page, f"{reporting_site['url']}/reporting/", MANAGER)
    await page.locator('[data-figure="nps"] .value').click()
    await expect(page.locator("h1")).to_contain_text("Events behind NPS")
    rows = page.locator('table[aria-label="events"] tbody tr')
    await expect(rows).to_have_count(2)
    await expect(rows.first).to_contain_text("engagement.feedback.recorded.v1")
    assert (await rows.first.locator("a").get_attribute("href") or "").startswith("/accounts/")


async def test_a_csv_download_holds_the_tables_rows(
    browser: BrowserContext, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    page = await browser.new_page()
    await sign_in(page, f"{reporting_site['url']}/reporting/", MANAGER)
    async with page.expect_download() as waiting:
        await page.locator('[data-table="revenue_by_category"] a.csv').click()
    download = await waiting.value
    path = await download.path()
    rows = list(csv.reader(io.StringIO(path.read_text())))
    # AM-04's order of 999.00 is not AM-01's.
    assert rows == [["key", "net revenue", "share %"], ["skincare", "250.00", "100.00"]]


async def test_another_managers_dashboard_and_events_are_not_found(
    browser: BrowserContext, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    page = await browser.new_page()
    url = reporting_site["url"]
    await sign_in(page, f"{url}/reporting/", MANAGER)
    for path in ("/reporting/", "/reporting/figures/clv/events", "/reporting/csv/kpis"):
        response = await page.goto(f"{url}{path}?scope=manager:{FOREIGN}")
        assert response is not None and response.status == 404, path
    await expect(page.locator("body")).not_to_contain_text("999.00")


async def test_the_language_switch_translates_the_dashboard_with_money_and_dates_in_its_format(
    browser: BrowserContext, reporting_site: dict[str, Any], demo_manager: str
) -> None:
    page = await browser.new_page()
    await page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    await sign_in(page, f"{reporting_site['url']}/reporting/", MANAGER)
    revenue = page.locator('[data-table="revenue_by_category"] tbody td').nth(1)
    as_of = page.locator("p.muted").first
    # The service's today (its time zone's), as its links carry it.
    report = await page.locator('a[href^="/reporting/report?"]').get_attribute("href") or ""
    day = date.fromisoformat(parse_qs(urlsplit(report).query)["as_of"][0])
    await expect(page.locator("h1")).to_contain_text(f"Manager {demo_manager}")
    await expect(revenue).to_have_text("¥250.00")
    await expect(as_of).to_contain_text(f"As of {day:%b} {day.day}, {day.year}")

    await page.click('nav.languages a[hreflang="zh-CN"]')
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_contain_text(f"报表 · 客户经理 {demo_manager}")
    await expect(page.locator('[data-figure="clv"] .label')).to_have_text("客户终身价值")
    await expect(page.locator('[data-table="revenue_by_category"] h2')).to_contain_text(
        "按产品类别的收入"
    )
    await expect(revenue).to_have_text("¥250.00")
    await expect(as_of).to_contain_text(f"截至 {day.year}年{day.month}月{day.day}日")
    # The printable period report keeps the language.
    await page.click('a[href^="/reporting/report?"]')
    await expect(page.locator("h1")).to_contain_text("期间报告")

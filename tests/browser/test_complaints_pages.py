"""Complaint pages in headless Chromium, through the nginx front door (one origin): a handler
opens, acknowledges, pauses and resolves a ticket; the ops board shows a breach live; the
language switch turns the queue into Chinese, dates in the Chinese format; an admin names a
holiday in both languages and each language shows its own."""

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import BrowserContext, expect

from chassis.testing import (
    FrontDoor,
    Infrastructure,
    Keycloak,
    eventually,
    free_port,
    sign_in,
    unique,
)
from complaints_fixtures import ActingByRoute, prepare_complaints
from contracts import accounts_v1
from contracts.envelope import CloudEvent

pytestmark = [pytest.mark.integration, pytest.mark.browser]


@pytest.fixture(scope="module")
async def complaints_site(infrastructure: Infrastructure) -> AsyncIterator[dict[str, str]]:
    """The complaints API and worker processes on a migrated schema, and the front door. The
    worker reads the accounts topic from its end: the tests publish the accounts they use."""
    door_port = free_port()
    complaints = await prepare_complaints(
        infrastructure,
        env={
            "COMPLAINTS_BOARD_REFRESH_SECONDS": "1",
            # The sign-in comes back to the front door.
            "RAPPORT_OIDC_PUBLIC_URL": f"http://127.0.0.1:{door_port}",
        },
    )
    async with complaints.running("api", "worker") as processes:
        # The accounts pages are not under test here: the front door gets no accounts upstream.
        door = FrontDoor({"complaints": processes["api"].port}, port=door_port)
        try:
            yield {"url": door.start(), **complaints.env}
        finally:
            door.stop()


@pytest.fixture
async def site(
    complaints_site: dict[str, str], keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the demo users whose roles its routes need (complaints_fixtures)."""
    async with httpx.AsyncClient(
        base_url=complaints_site["url"], timeout=10, auth=ActingByRoute(keycloak)
    ) as client:

        async def ready() -> bool:
            try:
                for path in ("/readyz", "/api/v1/complaints/board"):
                    if (await client.get(path)).status_code != 200:
                        return False
                return True
            except httpx.HTTPError:
                return False

        await eventually(ready, within=60)
        yield client


async def known_account(producer: AIOKafkaProducer, site: httpx.AsyncClient, name: str) -> str:
    """Published as the accounts service would; returned once complaints knows it."""
    account_id = unique("C")
    event = accounts_v1.AccountRegistered(
        account_id=account_id,
        name=name,
        region="East",
        country="CN",
        segment="pharmacy",
        registered_at=datetime.now(UTC),
    )
    envelope = CloudEvent.wrap(event, source="accounts")
    await producer.send_and_wait(
        accounts_v1.ACCOUNTS_TOPIC, envelope.to_json_bytes(), key=account_id.encode()
    )

    async def known() -> bool:
        response = await site.get(f"/api/v1/complaints/accounts/{account_id}")
        return response.status_code == 200

    await eventually(known, within=60)
    return account_id


async def use_policy(site: httpx.AsyncClient, targets: dict[str, object]) -> None:
    response = await site.post(
        "/api/v1/complaints/policies",
        json={"note": "browser test", "rules": [{"targets": targets}]},
    )
    assert response.status_code == 201, response.text


async def test_open_acknowledge_pause_and_resolve_a_ticket(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    complaints_site: dict[str, str],
    kafka_producer: AIOKafkaProducer,
) -> None:
    await use_policy(
        site,
        {
            "respond": {"amount": 15, "unit": "minutes"},
            "confirm": {"amount": 1, "unit": "hours"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
        },
    )
    account = await known_account(kafka_producer, site, "Jade Garden Pharmacy")
    page = await browser.new_page()
    await sign_in(page, f"{complaints_site['url']}/complaints/new", "cs-01")
    await page.fill('input[name="account_id"]', account)
    await page.fill('input[name="contact"]', "Ms Zhou, store manager")
    await page.select_option('select[name="category"]', "product_quality")
    await page.select_option('select[name="severity"]', "2")
    await page.fill('textarea[name="description"]', "Ten cartons of lotion leaked in transit")
    await page.click("#new-ticket button[type=submit]")

    await expect(page.locator("#status")).to_have_attribute("data-status", "received")
    await expect(page.locator("h1")).to_contain_text("CMP-")
    await expect(page.locator(".facts")).to_contain_text("Jade Garden Pharmacy")
    await expect(page.locator('#clocks tr[data-clock="respond"] .countdown')).to_contain_text("min")

    await page.click("#actions button:has-text('Acknowledge')")
    await expect(page.locator("#status")).to_have_attribute("data-status", "acknowledged")
    await expect(
        page.locator('#clocks tr[data-clock="respond"] [data-field="state"]')
    ).to_have_text("stopped, met")

    await page.fill('#clocks tr[data-clock="resolve"] input[name="reason"]', "awaiting photos")
    await page.click('#clocks tr[data-clock="resolve"] button:has-text("Pause")')
    resolve_state = page.locator('#clocks tr[data-clock="resolve"] [data-field="state"]')
    await expect(resolve_state).to_have_text("paused")
    await expect(page.locator('#clocks tr[data-clock="resolve"]')).to_contain_text(
        "awaiting photos"
    )
    # Respond was met already, confirm keeps running: pausing resolve paused nothing else.
    await expect(
        page.locator('#clocks tr[data-clock="confirm"] [data-field="state"]')
    ).to_have_text("running")

    await page.select_option('#actions select[name="department"] >> nth=0', "logistics")
    await page.click("#actions button:has-text('Confirm and investigate')")
    await expect(page.locator("#status")).to_have_attribute("data-status", "investigating")
    await page.select_option('#actions select[name="remedy"]', "replace")
    await page.fill('#actions input[name="solution"]', "replace the ten cartons")
    await page.click("#actions button:has-text('Propose solution')")
    await page.fill('#actions input[name="root_cause"]', "caps not sealed at packing")
    await page.click("#actions button:has-text('Resolve')")

    await expect(page.locator("#status")).to_have_attribute("data-status", "resolved")
    await expect(resolve_state).to_have_text("stopped, met")
    history = page.locator("#history")
    for action in ("filed", "acknowledged", "clock paused", "investigating", "resolved"):
        await expect(history).to_contain_text(action)
    # Who acted is the signed-in handler.
    await expect(history).to_contain_text("CS-01")


async def test_the_ops_board_shows_a_breach_without_a_page_reload(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    complaints_site: dict[str, str],
    kafka_producer: AIOKafkaProducer,
) -> None:
    account = await known_account(kafka_producer, site, "Silver Lake Clinic")
    page = await browser.new_page()
    await sign_in(page, f"{complaints_site['url']}/complaints/board", "ops-01")
    await page.evaluate("window.loadedOnce = 'still the same page'")

    await use_policy(site, {"respond": {"amount": 3, "unit": "seconds"}})
    created = await site.post(
        "/api/v1/complaints/tickets",
        json={
            "account_id": account,
            "contact": "Dr Wang",
            "channel": "hotline",
            "category": "service",
            "severity": 1,
            "description": "no answer on the hotline",
        },
    )
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]

    breach_row = page.locator(f'#breaches tr[data-ticket-id="{ticket_id}"]')
    await expect(breach_row).to_be_visible(timeout=30_000)
    await expect(breach_row).to_contain_text("respond")
    await expect(breach_row.locator(".countdown")).to_contain_text("overdue")
    assert await page.evaluate("window.loadedOnce") == "still the same page"
    # The board answered the ticket's own question: it escalated to the supervisor.
    ticket = (await site.get(f"/api/v1/complaints/tickets/{ticket_id}")).json()
    assert ticket["escalation_level"] == 1
    assert json.dumps(ticket).count('"outcome": "breached"') == 1


async def test_the_language_switch_translates_the_queue_with_dates_in_the_locale_s_format(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    complaints_site: dict[str, str],
    kafka_producer: AIOKafkaProducer,
) -> None:
    await use_policy(site, {"respond": {"amount": 15, "unit": "minutes"}})
    account = await known_account(kafka_producer, site, "翠湖大药房")
    created = await site.post(
        "/api/v1/complaints/tickets",
        json={
            "account_id": account,
            "contact": "王经理",
            "channel": "hotline",
            "category": "delivery",
            "severity": 2,
            "description": "货物晚到两天",
        },
    )
    assert created.status_code == 201, created.text
    row_selector = f'#queue tr[data-ticket-id="{created.json()["id"]}"]'
    page = await browser.new_page()
    await sign_in(page, f"{complaints_site['url']}/complaints/?account_id={account}", "ops-01")
    row = page.locator(row_selector)
    await expect(page.locator("h1")).to_contain_text("Complaint queue")
    await expect(row.locator('[data-field="status"]')).to_have_text("received")
    # English dates: `Dec 3, 2026`; the countdown counts in English units.
    await expect(row.locator('[data-field="opened"]')).to_have_text(
        re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$")
    )
    await expect(row.locator(".countdown")).to_contain_text("min")

    await page.click('nav.languages a[hreflang="zh-CN"]')
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_contain_text("投诉工单队列")
    await expect(page.locator(".subnav")).to_contain_text("新建工单")
    row = page.locator(row_selector)
    await expect(row.locator('[data-field="status"]')).to_have_text("待受理")
    await expect(row).to_contain_text("配送")
    # Chinese dates: `2026年12月3日`, the deadline `2026年12月3日 10:15:00 UTC`; the live
    # countdown in Chinese units.
    await expect(row.locator('[data-field="opened"]')).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
    )
    await expect(row.locator(".countdown")).to_have_attribute(
        "title", re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}:\d{2} UTC$")
    )
    await expect(row.locator(".countdown")).to_contain_text("分")
    # The choice is kept: the next page comes in Chinese without the switch.
    await page.goto(f"{complaints_site['url']}/complaints/board")
    await expect(page.locator("h1")).to_have_text("运营 SLA 看板")


async def test_an_admin_enters_a_holiday_s_two_names_and_each_language_shows_its_own(
    browser: BrowserContext, complaints_site: dict[str, str]
) -> None:
    name = unique("plant").lower()
    page = await browser.new_page()
    await sign_in(page, f"{complaints_site['url']}/complaints/admin/calendars?lang=en", "adm-01")
    form = page.locator("#calendar-new")
    await form.locator('input[name="name"]').fill(name)
    await form.locator('input[name="monday"]').fill("09:00-18:00")
    await form.locator('textarea[name="holidays"]').fill(
        "2026-10-01 | National Day | 国庆节\n2026-10-02 | | 国庆节"
    )
    await form.locator('button[type="submit"]').click()
    holidays = page.locator(f"#calendar-{name} ul.holidays li")
    await expect(holidays).to_have_text(
        ["Thursday, October 1, 2026 — National Day", "Friday, October 2, 2026 — 国庆节"]
    )

    await page.click('nav.languages a[hreflang="zh-CN"]')
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    holidays = page.locator(f"#calendar-{name} ul.holidays li")
    await expect(holidays).to_have_text(
        ["2026年10月1日星期四 — 国庆节", "2026年10月2日星期五 — 国庆节"]
    )
    # The form keeps both names to edit, in either language.
    await expect(page.locator(f"#calendar-{name} textarea")).to_have_value(
        "2026-10-01 | National Day | 国庆节\n2026-10-02 |  | 国庆节"
    )

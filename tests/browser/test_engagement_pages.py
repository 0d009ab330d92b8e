"""Engagement pages in headless Chromium, signed in through Keycloak behind the nginx front door
(one origin): a manager's weekly board shows today, tomorrow and the rest of the week and
refreshes by itself; a signed-in manager sees only their own board (another's is not found);
a visit logged from the board marks its item done and plans the next step; a moved item shows
its count; a customer's satisfaction score lands on the account's plan, recorded by the
signed-in user; a form posted without its CSRF token is refused; the language switch turns the
board into Chinese, its sales target in yuan and its days in the Chinese format; a contact's
withdrawn consent shows as a skipped care touch on the board, and the admin's audit has the
board's read of the names.

The service runs as its api and worker processes on the real clock, on a database of its own
(each test works the board of another demo manager); accounts arrive on the accounts topic as
the accounts service publishes them, plan items through the JSON API with the manager's token."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from playwright.async_api import BrowserContext, Page, expect

from chassis.testing import (
    FrontDoor,
    Infrastructure,
    Keycloak,
    SignedInAs,
    eventually,
    free_port,
    scratch_database,
    sign_in,
    unique,
)
from contracts import accounts_v1
from contracts.envelope import CloudEvent, EventData
from engagement_fixtures import ADMIN, classified, prepare_engagement, registered

pytestmark = [pytest.mark.integration, pytest.mark.browser]

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
async def engagement_site(infrastructure: Infrastructure) -> AsyncIterator[str]:
    """The engagement API and worker processes on a database of their own, and the front door,
    which the API knows as its public address (a browser's sign-in comes back there). The
    worker reads the accounts topic from its end: the tests publish the accounts they use."""
    door_port = free_port()
    env = {
        "ENGAGEMENT_BOARD_REFRESH_SECONDS": "1",
        "RAPPORT_OIDC_PUBLIC_URL": f"http://127.0.0.1:{door_port}",
    }
    async with scratch_database(infrastructure, "engagement_browser") as database:
        engagement = await prepare_engagement(infrastructure, database=database, env=env)
        async with engagement.running("api", "worker") as processes:
            # Only the engagement pages are under test: the other services get no upstream.
            door = FrontDoor({"engagement": processes["api"].port}, port=door_port)
            try:
                url = door.start()
                await door.wait_ready()
                yield url
            finally:
                door.stop()


@pytest.fixture
async def site(engagement_site: str, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    """The JSON API behind the front door, read as the admin (who reads every board) unless a
    request sends a manager's token."""
    async with httpx.AsyncClient(
        base_url=engagement_site, timeout=10, auth=SignedInAs(keycloak, ADMIN)
    ) as client:

        async def ready() -> bool:
            try:
                for path in ("/readyz", "/api/v1/engagement/managers"):
                    if (await client.get(path)).status_code != 200:
                        return False
                return True
            except httpx.HTTPError:
                return False

        await eventually(ready, within=60)
        yield client


def board_day() -> date:
    """A day whose week still has a tomorrow and a rest: today, or next Monday at a weekend."""
    today = datetime.now(SHANGHAI).date()
    return today if today.weekday() <= 4 else today + timedelta(days=7 - today.weekday())


async def known_account(producer: AIOKafkaProducer, site: httpx.AsyncClient, manager: str) -> str:
    """A grade C account of the manager, published as the accounts service would; returned
    once engagement has it with its tier."""
    account_id = unique("C")
    now = datetime.now(UTC)
    events: list[EventData] = [
        registered(account_id, manager=manager, at=now),
        classified(account_id, grade="C", at=now),
    ]
    for event in events:
        envelope = CloudEvent.wrap(event, source="accounts")
        await producer.send_and_wait(
            accounts_v1.ACCOUNTS_TOPIC, envelope.to_json_bytes(), key=account_id.encode()
        )

    async def tiered() -> bool:
        response = await site.get(f"/api/v1/engagement/accounts/{account_id}/plan")
        return response.status_code == 200 and response.json()["tier"] == "C"

    await eventually(tiered, within=60)
    return account_id


async def plan_call(
    site: httpx.AsyncClient, keycloak: Keycloak, account_id: str, due_on: date, manager: str
) -> str:
    """An item planned by the account's manager (their token)."""
    response = await site.post(
        "/api/v1/engagement/items",
        json={"account_id": account_id, "kind": "call", "due_on": due_on.isoformat()},
        headers=keycloak.bearer(manager.lower()),
    )
    assert response.status_code == 201, response.text
    item_id: str = response.json()["item_id"]
    return item_id


async def open_board(page: Page, url: str, manager: str, day: date) -> None:
    """The manager's board, signed in as the manager (AM-01 is the demo user am-01)."""
    board = f"{url}/engagement/boards/weekly/{manager}?on={day.isoformat()}"
    await sign_in(page, board, manager.lower())
    await page.evaluate("window.loadedOnce = 'still the same page'")


async def test_the_weekly_board_shows_today_tomorrow_and_this_week(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-01"
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    today = await plan_call(site, keycloak, account_id, day, manager)
    tomorrow = await plan_call(site, keycloak, account_id, day + timedelta(days=1), manager)
    later = await plan_call(site, keycloak, account_id, day + timedelta(days=2), manager)
    page = await browser.new_page()
    await open_board(page, engagement_site, manager, day)

    await expect(page.locator("h1")).to_contain_text(manager)
    await expect(page.locator(f'#section-today tr[data-item-id="{today}"]')).to_be_visible()
    await expect(page.locator(f'#section-tomorrow tr[data-item-id="{tomorrow}"]')).to_be_visible()
    await expect(page.locator(f'#section-this-week tr[data-item-id="{later}"]')).to_be_visible()
    row = page.locator(f'tr[data-item-id="{today}"]')
    await expect(row.locator('[data-field="tier"]')).to_have_text("C")
    await expect(row.locator('[data-field="origin"]')).to_have_text("manual")
    await expect(row.locator(f'a[href="/accounts/{account_id}"]')).to_be_visible()
    await expect(page.locator("#completion")).to_contain_text("0 / ")

    # An item planned meanwhile shows up without a page reload.
    added = await plan_call(site, keycloak, account_id, day + timedelta(days=1), manager)
    await expect(page.locator(f'#section-tomorrow tr[data-item-id="{added}"]')).to_be_visible()
    assert await page.evaluate("window.loadedOnce") == "still the same page"


async def test_a_visit_logged_from_the_board_is_done_with_its_next_step_planned(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-02"
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    item_id = await plan_call(site, keycloak, account_id, day, manager)
    page = await browser.new_page()
    await open_board(page, engagement_site, manager, day)

    await page.click(f'tr[data-item-id="{item_id}"] a[data-action="log"]')
    await expect(page.locator("#item")).to_have_attribute("data-item-id", item_id)
    await page.select_option('select[name="outcome"]', "order_placed")
    await page.fill('textarea[name="notes"]', "ordered the winter range")
    await page.select_option('select[name="next_step_kind"]', "visit")
    await page.fill('input[name="next_step_on"]', day.isoformat())
    await page.fill('input[name="next_step_note"]', "check the shelf display")
    await page.fill('input[name="csat"]', "5")
    await page.click("#log-visit button[type=submit]")

    # Back on the board it came from: the call is done, the visit agreed is planned.
    await expect(page).to_have_url(f"{engagement_site}/engagement/boards/weekly/{manager}?on={day}")
    done = page.locator(f'tr[data-item-id="{item_id}"]')
    await expect(done).to_have_attribute("data-state", "done")
    next_step = page.locator("#section-today tr", has_text="check the shelf display")
    await expect(next_step.locator('[data-field="origin"]')).to_have_text("next step")
    await expect(next_step.locator('[data-field="kind"]')).to_have_text("visit")
    await expect(page.locator("#completion")).to_contain_text("1 / ")

    await page.goto(f"{engagement_site}/engagement/accounts/{account_id}")
    await expect(page.locator("#visits")).to_contain_text("ordered the winter range")
    await expect(page.locator('#feedback [data-field="csat"]')).to_have_text("5")


async def test_a_rescheduled_item_moves_and_shows_its_count(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-03"
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    item_id = await plan_call(site, keycloak, account_id, day, manager)
    page = await browser.new_page()
    await open_board(page, engagement_site, manager, day)

    reschedule = page.locator(f'tr[data-item-id="{item_id}"] details[data-action="reschedule"]')
    await reschedule.locator("summary").click()
    await reschedule.locator('input[name="due_on"]').fill((day + timedelta(days=2)).isoformat())
    await reschedule.locator('select[name="reason"]').select_option("customer_unavailable")
    await reschedule.locator('select[name="requested_by"]').select_option("customer")
    await reschedule.locator('button:has-text("Move")').click()

    moved = page.locator(f'#section-this-week tr[data-item-id="{item_id}"]')
    await expect(moved).to_have_attribute("data-state", "rescheduled")
    await expect(moved.locator('[data-field="reschedule-count"]')).to_have_text("1")
    assert await page.evaluate("window.loadedOnce") == "still the same page"
    item = (await site.get(f"/api/v1/engagement/items/{item_id}")).json()
    assert [(r["requested_by"], r["reason"]) for r in item["reschedules"]] == [
        ("customer", "customer_unavailable")
    ]


async def test_a_satisfaction_score_is_recorded_on_the_account_plan(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-04"
    account_id = await known_account(kafka_producer, site, manager)
    page = await browser.new_page()
    await sign_in(page, f"{engagement_site}/engagement/accounts/{account_id}", manager.lower())
    await expect(page.locator("h1")).to_contain_text(f"Shop {account_id}")

    form = page.locator("#feedback-form")
    await form.locator('select[name="context"]').select_option("survey")
    await form.locator('input[name="csat"]').fill("4")
    await form.locator('input[name="nps"]').fill("8")
    await form.locator("button[type=submit]").click()

    answer = page.locator("#feedback tbody tr").first
    await expect(answer.locator('[data-field="csat"]')).to_have_text("4")
    await expect(answer.locator('[data-field="nps"]')).to_have_text("8")
    await expect(answer).to_contain_text(manager)


async def test_a_refused_action_shows_why_on_the_board(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-05"
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    item_id = await plan_call(site, keycloak, account_id, day, manager)
    page = await browser.new_page()
    await open_board(page, engagement_site, manager, day)

    # While the manager fills in the form the board stands still; meanwhile the customer
    # cancels through another channel.
    reschedule = page.locator(f'tr[data-item-id="{item_id}"] details[data-action="reschedule"]')
    await reschedule.locator("summary").click()
    cancelled = await site.post(
        f"/api/v1/engagement/items/{item_id}/cancel",
        json={},
        headers=keycloak.bearer("sup-02"),  # the south team's supervisor
    )
    assert cancelled.status_code == 200, cancelled.text
    await reschedule.locator('button:has-text("Move")').click()

    await expect(page.locator("#board-live [role=alert]")).to_contain_text(
        "cannot reschedule an item that is cancelled"
    )
    await expect(page.locator(f'tr[data-item-id="{item_id}"]')).to_have_attribute(
        "data-state", "cancelled"
    )
    assert await page.evaluate("window.loadedOnce") == "still the same page"


async def test_a_signed_in_manager_sees_only_their_board_and_a_forged_form_is_refused(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    mine, theirs = "AM-06", "AM-07"
    my_account = await known_account(kafka_producer, site, mine)
    their_account = await known_account(kafka_producer, site, theirs)
    day = board_day()
    my_item = await plan_call(site, keycloak, my_account, day, mine)
    their_item = await plan_call(site, keycloak, their_account, day, theirs)
    page = await browser.new_page()
    await sign_in(page, f"{engagement_site}/engagement/", mine.lower())

    # The home page lists the signed-in manager's board only; theirs is not found.
    await expect(page.locator(f'a[href="/engagement/boards/weekly/{mine}"]').first).to_be_visible()
    await expect(page.locator(f'a[href="/engagement/boards/weekly/{theirs}"]')).to_have_count(0)
    await expect(page.locator("header .who")).to_have_text(mine)
    await page.goto(f"{engagement_site}/engagement/boards/weekly/{mine}?on={day.isoformat()}")
    await expect(page.locator(f'tr[data-item-id="{my_item}"]')).to_be_visible()
    for path in (f"boards/weekly/{theirs}", f"accounts/{their_account}", f"items/{their_item}/log"):
        answer = await page.goto(f"{engagement_site}/engagement/{path}")
        assert answer is not None and answer.status == 404, path
        await expect(page.locator("h1")).to_have_text("Not found")

    # A form of the signed-in browser posted without the session's CSRF token (as another
    # site would) is refused; the item stays as it was.
    forged = await page.request.post(
        f"{engagement_site}/engagement/boards/weekly/{mine}/items/{my_item}/confirm", form={}
    )
    assert forged.status == 403
    assert (await forged.json())["error"]["code"] == "forbidden"
    assert (await site.get(f"/api/v1/engagement/items/{my_item}")).json()["state"] == "planned"


async def test_the_language_switch_translates_the_board_with_money_and_dates_in_its_format(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
    keycloak: Keycloak,
) -> None:
    manager = "AM-08"  # in no team: sets their own target
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    item = await plan_call(site, keycloak, account_id, day, manager)
    target = await site.put(
        f"/api/v1/engagement/targets/{manager}/{day.strftime('%Y-%m')}",
        json={"amount": "1250000.00", "currency": "CNY"},
        headers=keycloak.bearer(manager.lower()),
    )
    assert target.status_code == 200, target.text
    page = await browser.new_page()
    await page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    await open_board(page, engagement_site, manager, day)

    due = page.locator(f'tr[data-item-id="{item}"] [data-field="due-on"]')
    month = page.locator('[data-target="month"] [data-field="sales"]')
    await expect(page.locator("h1")).to_contain_text("Weekly board")
    await expect(due).to_have_text(f"{day:%a}, {day:%b} {day.day}, {day.year}")
    await expect(month).to_have_text("¥0.00 of ¥1,250,000.00")

    await page.click('nav.languages a[hreflang="zh-CN"]')
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_contain_text("周看板")
    await expect(page.locator('[data-target="month_to_date"]')).to_contain_text("本月累计")
    weekday = "一二三四五六日"[day.weekday()]
    await expect(due).to_have_text(f"{day.year}年{day.month}月{day.day}日 周{weekday}")
    await expect(month).to_have_text("¥0.00 / 目标 ¥1,250,000.00")


async def test_a_withdrawn_consent_shows_on_the_board_and_its_reads_are_audited(
    browser: BrowserContext,
    site: httpx.AsyncClient,
    engagement_site: str,
    kafka_producer: AIOKafkaProducer,
) -> None:
    manager = "AM-03"
    account_id = await known_account(kafka_producer, site, manager)
    day = board_day()
    contact = unique("CT")
    now = datetime.now(UTC)
    events: list[EventData] = [
        accounts_v1.AccountKeyDatesChanged(
            account_id=account_id,
            card_version=1,
            key_dates=[
                accounts_v1.KeyDate(
                    reference=contact, kind="birthday", month=day.month, day=day.day
                )
            ],
            changed_at=now,
        ),
        accounts_v1.AccountContactConsentChanged(
            account_id=account_id,
            contact_reference=contact,
            state="withdrawn",
            recorded_by=manager,
            changed_at=now,
        ),
    ]
    for event in events:
        envelope = CloudEvent.wrap(event, source="accounts")
        await kafka_producer.send_and_wait(
            accounts_v1.ACCOUNTS_TOPIC, envelope.to_json_bytes(), key=account_id.encode()
        )

    async def skipped() -> bool:
        plan = (await site.get(f"/api/v1/engagement/accounts/{account_id}/plan")).json()
        return [s["contact_reference"] for s in plan["skipped"]] == [contact]

    await eventually(skipped, within=60)
    page = await browser.new_page()
    await open_board(page, engagement_site, manager, day)

    row = page.locator(f'#skipped tr[data-reference="{contact}"]')
    await expect(row).to_contain_text("consent to marketing contact withdrawn")
    await expect(row.locator(f'a[href="/accounts/{account_id}"]')).to_be_visible()
    # The manager does not read the audit; the admin finds the board's read of the names.
    answer = await page.goto(f"{engagement_site}/engagement/audit")
    assert answer is not None and answer.status == 403
    audit = await site.get("/api/v1/engagement/audit", params={"account_id": account_id})
    assert audit.status_code == 200, audit.text
    assert {
        (entry["actor"], entry["what"], entry["purpose"]) for entry in audit.json()["items"]
    } == {(manager, "care touches' contact names", "care touches on the weekly board")}

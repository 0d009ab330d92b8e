"""The account pages in headless Chromium: edit a card and read its history, open the tier
explanation, nominate a VIP and have a supervisor approve it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Page, expect

from accounts_fixtures import Erp
from chassis.testing import ServiceProcess, eventually, unique
from contracts import erp_v1

pytestmark = [pytest.mark.integration, pytest.mark.browser]


async def new_prospect(api: ServiceProcess, name: str) -> str:
    account_id = unique("BP")
    async with httpx.AsyncClient(base_url=api.base_url) as client:
        response = await client.post(
            "/api/v1/accounts",
            json={"account_id": account_id, "name": name, "region": "East"},
            headers={"X-Rapport-User": "AM-01"},
        )
    assert response.status_code == 201, response.text
    return account_id


async def test_edit_a_card_and_see_the_history(page: Page, accounts_api: ServiceProcess) -> None:
    account = await new_prospect(accounts_api, "Card Co")
    await page.goto(f"{accounts_api.base_url}/accounts/{account}")
    await page.click("#edit-card")
    form = page.locator("#card-form")
    await form.locator('input[name="contacts-0-name"]').fill("Li Wei")
    await form.locator('input[name="contacts-0-email"]').fill("li.wei@")
    await form.locator('input[name="actor"]').fill("AM-01")
    await form.locator('button[type="submit"]').click()
    # Refused with the reason on the page; what was typed is still there.
    await expect(page.get_by_role("alert")).to_contain_text("not an email address")
    await expect(form.locator('input[name="contacts-0-name"]')).to_have_value("Li Wei")

    await form.locator('input[name="contacts-0-email"]').fill("li.wei@example.com")
    await form.locator('input[name="contacts-0-phone"]').fill("+86 21 5555 0101")
    await form.locator('input[name="contacts-0-call_window_start"]').fill("11:00")
    await form.locator('input[name="contacts-0-call_window_end"]').fill("12:00")
    await form.locator('input[name="product_categories"]').fill("skincare, haircare")
    await form.locator('button[type="submit"]').click()
    await expect(page.locator("#contacts")).to_contain_text("+86 21 5555 0101")

    # A second manager changes the phone.
    await page.click("#edit-card")
    await form.locator('input[name="contacts-0-phone"]').fill("+86 21 5555 0199")
    await form.locator('input[name="actor"]').fill("AM-02")
    await form.locator('button[type="submit"]').click()
    await expect(page.locator("#contacts")).to_contain_text("+86 21 5555 0199")

    await page.click("#card-history")
    latest = page.locator('#versions tr[data-version="2"]')
    await expect(latest).to_contain_text("AM-02")
    await expect(latest).to_contain_text("phone: +86 21 5555 0101 → +86 21 5555 0199")
    await expect(page.locator('#versions tr[data-version="1"]')).to_contain_text("Li Wei: added")

    # The card as it was before the second change.
    await page.click('#versions tr[data-version="1"] a.as-of')
    await expect(page.locator("#card-as-of")).to_contain_text("version 1")
    await expect(page.locator("#card-as-of")).to_contain_text("+86 21 5555 0101")


async def test_open_the_tier_explanation(
    page: Page, erp: Erp, accounts_worker: ServiceProcess, accounts_api: ServiceProcess
) -> None:
    customer = unique("BT")
    now = datetime.now(UTC)
    await erp.publish(
        erp.customer(customer, name="Explained Co"),
        *[
            erp_v1.OrderPlaced(
                order_id=f"{customer}-{n}",
                customer_id=customer,
                placed_at=now - timedelta(days=5 + 30 * n),
                currency="CNY",
                total=Decimal("100000.00"),
            )
            for n in range(4)
        ],
    )

    async def graded() -> bool:
        async with httpx.AsyncClient(base_url=accounts_api.base_url) as client:
            response = await client.get(f"/api/v1/accounts/{customer}")
        if response.status_code != 200:
            return False
        # All four orders in, so the grade read below is the settled one.
        return response.json()["order_count_12m"] == 4 and response.json()["grade"] is not None

    await eventually(graded)
    await page.goto(f"{accounts_api.base_url}/accounts/{customer}")
    grade = await page.locator('#classes [data-field="grade"]').inner_text()
    await page.click("#explain")
    await expect(page.locator("h1")).to_contain_text(f"Why is Explained Co grade {grade}?")
    why = page.locator("#why")
    await expect(why).to_contain_text("frequency medium: 4 orders in 12 months is 3-4 (medium)")
    await expect(why).to_contain_text("scorecard")
    await expect(why).to_contain_text("satisfaction: no satisfaction feedback")
    await expect(page.locator('#scorecard tr[data-indicator="revenue"]')).to_contain_text("80.0")
    await expect(page.locator('#scorecard tr[data-indicator="satisfaction"]')).to_contain_text(
        "no data"
    )


async def test_nominate_and_approve_a_vip(page: Page, accounts_api: ServiceProcess) -> None:
    account = await new_prospect(accounts_api, "Future VIP Co")
    await page.goto(f"{accounts_api.base_url}/accounts/{account}")
    nominate = page.locator("#nominate-form")
    await nominate.locator('input[name="reason"]').fill("long and stable cooperation ahead")
    await nominate.locator('input[name="actor"]').fill("AM-01")
    await nominate.locator('button[type="submit"]').click()
    await expect(page.locator("#vip")).to_contain_text("waiting for a supervisor")

    await page.goto(f"{accounts_api.base_url}/accounts/vip/")
    row = page.locator(f'#pending tr[data-account-id="{account}"]')
    await expect(row).to_contain_text("long and stable cooperation ahead")
    # The nominating manager cannot approve.
    await row.locator('button[value="approve"]').click()
    await expect(page.get_by_role("alert")).to_contain_text("only a supervisor")

    row = page.locator(f'#pending tr[data-account-id="{account}"]')
    await row.locator('input[name="actor"]').fill("SUP-01")
    await row.locator('select[name="role"]').select_option("supervisor")
    await row.locator('input[name="note"]').fill("agreed at the sales meeting")
    await row.locator('button[value="approve"]').click()
    await expect(page.locator(f'#pending tr[data-account-id="{account}"]')).to_have_count(0)
    await expect(page.locator("#decided")).to_contain_text("agreed at the sales meeting")

    await page.goto(f"{accounts_api.base_url}/accounts/{account}")
    await expect(page.locator("#vip-flag")).to_have_text("VIP")
    await expect(page.locator("#timeline")).to_contain_text("VIP approved")

"""The accounts page in headless Chromium, signed in as the admin (who sees every manager's
accounts), shows the demo accounts with their classes; the language switch turns it into
Chinese, money in yuan and dates in the Chinese format."""

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, expect

from accounts_fixtures import ADMIN
from chassis.testing import Infrastructure, ServiceProcess, eventually, sign_in, unique
from demo.generator import generate
from demo.publish import publish

pytestmark = [pytest.mark.integration, pytest.mark.browser]


def expected_value_class(revenue: Decimal) -> str:
    return "high" if revenue >= 500_000 else "medium" if revenue >= 300_000 else "low"


async def test_accounts_page_shows_demo_accounts_with_classes(
    browser: BrowserContext,
    infrastructure: Infrastructure,
    accounts_worker: ServiceProcess,
    accounts_site: str,
) -> None:
    prefix = unique("D") + "-"
    demo = generate(customers=40, as_of=datetime.now(UTC), seed=11, id_prefix=prefix)
    await publish(demo, infrastructure.kafka_as("erp").client_kwargs(), progress=False)
    demo_ids = {customer.customer_id for customer in demo.customers}
    expected = demo.expected_trailing()
    page = await browser.new_page()
    listing = f"{accounts_site}/accounts/?q={prefix}&page_size=500&sort=account_id"
    await sign_in(page, listing, ADMIN)

    async def all_demo_rows() -> dict[str, dict[str, str]] | None:
        await page.goto(listing)
        rows = {}
        for row in await page.locator("#accounts tbody tr[data-account-id]").all():
            cells = await row.locator("td").all_inner_texts()
            rows[await row.get_attribute("data-account-id") or ""] = {
                # Yuan as ¥1,250.00 (chassis.i18n.money).
                "revenue": cells[5].removeprefix("¥").replace(",", ""),
                "value_class": await row.locator('[data-field="value_class"]').inner_text(),
                "frequency_class": await row.locator('[data-field="frequency_class"]').inner_text(),
                "orders": cells[4].replace(",", ""),
            }
        settled = demo_ids <= rows.keys() and all(
            Decimal(rows[c]["revenue"]) == expected[c].net_revenue for c in demo_ids
        )
        return rows if settled else None

    rows = await eventually(all_demo_rows, within=90)
    for customer_id in demo_ids:
        shown = rows[customer_id]
        assert shown["value_class"] == expected_value_class(Decimal(shown["revenue"]))
        assert int(shown["orders"]) == expected[customer_id].order_count
    assert {rows[c]["value_class"] for c in demo_ids} == {"high", "medium", "low"}

    # Sorting by revenue, descending, puts the biggest demo customer first.
    await page.click('th a[data-sort="net_revenue_12m"]')
    await page.click('th a[data-sort="net_revenue_12m"]')
    first = await page.locator("#accounts tbody tr").first.get_attribute("data-account-id")
    assert first == max(demo_ids, key=lambda c: expected[c].net_revenue)
    await page.screenshot(path=str(Path(__file__).parents[2] / ".local" / "accounts-page.png"))

    # English first: `Dec 3, 2026`; then the navigation's switch turns the list into Chinese.
    row = page.locator(f'#accounts tr[data-account-id="{first}"]')
    await expect(row.locator('[data-field="last_order"]')).to_have_text(
        re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}$")
    )
    await page.click('nav.languages a[hreflang="zh-CN"]')
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_contain_text("客户")
    await expect(page.locator("#accounts thead")).to_contain_text("12 个月净收入")
    row = page.locator(f'#accounts tr[data-account-id="{first}"]')
    await expect(row.locator('[data-field="value_class"]')).to_have_text("高")
    await expect(row.locator('[data-field="net_revenue_12m"]')).to_have_text(
        re.compile(r"^¥\d{1,3}(,\d{3})*\.\d{2}$")
    )
    await expect(row.locator('[data-field="last_order"]')).to_have_text(
        re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
    )


async def test_a_user_s_own_language_comes_with_the_sign_in_then_the_switch_changes_it(
    browser: BrowserContext, accounts_site: str
) -> None:
    """AM-12 chose Chinese (Keycloak's `locale` attribute, which its sign-in form's picker sets):
    the pages are Chinese though the browser asks for English; the switch changes the choice."""
    page = await browser.new_page()
    await page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})
    listing = f"{accounts_site}/accounts/"
    await sign_in(page, listing, "am-12")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(page.locator("h1")).to_contain_text("客户")

    await page.click('nav.languages a[hreflang="en"]')
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    # Kept for the user in the session, not only in the browser's cookie.
    await page.context.clear_cookies(name="rapport_lang")
    await page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    await page.goto(listing)
    await expect(page.locator("html")).to_have_attribute("lang", "en")

"""Privacy in headless Chromium, signed in through Keycloak behind the front door: a manager
records a contact's consent on the account page; the admin erases the contact on the erasure
page, sees the report wait for the other services, finds the contact erased on the account page
and the erasure in the audit."""

import httpx
import pytest
from playwright.async_api import Page, expect

from accounts_fixtures import ADMIN, MANAGER
from chassis.testing import sign_in, unique

pytestmark = [pytest.mark.integration, pytest.mark.browser]


async def test_record_consent_then_erase_the_contact_and_follow_the_report(
    page: Page, accounts_site: str, accounts_client: httpx.AsyncClient
) -> None:
    account = unique("BPRIV")
    created = await accounts_client.post(
        "/api/v1/accounts", json={"account_id": account, "name": "Privacy Co", "region": "East"}
    )
    assert created.status_code == 201, created.text
    saved = await accounts_client.put(
        f"/api/v1/accounts/{account}/card",
        json={"contacts": [{"name": "Chen Jie", "phone": "+86 21 5555 0707"}]},
    )
    contact = saved.json()["contacts"][0]["contact_id"]

    await sign_in(page, f"{accounts_site}/accounts/{account}", MANAGER)
    row = page.locator(f'#contacts tr[data-contact-id="{contact}"]')
    await expect(row.locator('[data-field="consent"]')).to_contain_text("not asked")
    form = row.locator("form.consent-form")
    await form.locator('select[name="channel"]').select_option("phone")
    await form.locator('button[type="submit"]').click()
    await expect(row.locator('[data-field="consent"]')).to_contain_text("given")
    await expect(row.locator('[data-field="consent"]')).to_contain_text("AM-01")

    await page.context.clear_cookies()
    await sign_in(page, f"{accounts_site}/accounts/erasures/", ADMIN)
    erase = page.locator("#erasure-form")
    await erase.locator('input[name="account_id"]').fill(account)
    await erase.locator('input[name="contact_id"]').fill(contact)
    await erase.locator('input[name="why"]').fill("phone call of 7 Dec")
    await erase.locator('button[type="submit"]').click()
    report = page.locator("#erasures tbody tr").first
    await expect(report).to_have_attribute("data-done", "no")
    await expect(report.locator('[data-service="accounts"]')).to_have_attribute(
        "data-state", "done"
    )
    await expect(report.locator('[data-service="engagement"]')).to_have_attribute(
        "data-state", "pending"
    )

    await page.goto(f"{accounts_site}/accounts/{account}")
    await expect(page.locator("#contacts")).to_contain_text("(erased)")
    await expect(page.locator("#contacts")).not_to_contain_text("Chen Jie")
    await expect(page.locator("#contacts")).not_to_contain_text("5555 0707")

    await page.goto(f"{accounts_site}/accounts/audit?account_id={account}")
    await expect(page.locator("#audit")).to_contain_text(f"contact {contact}")
    await expect(page.locator("#audit")).to_contain_text("phone call of 7 Dec")

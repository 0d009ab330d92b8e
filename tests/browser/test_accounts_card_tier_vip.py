"""The account pages in headless Chromium, signed in through Keycloak behind the front door:
a manager edits a card and reads its history, opens the tier explanation, sees only their own
accounts and nominates a VIP; their supervisor changes the card and approves the nomination;
a form posted without its CSRF token is refused."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Page, expect

from accounts_fixtures import MANAGER, OTHER_MANAGER, SUPERVISOR, Erp
from chassis.testing import Keycloak, ServiceProcess, eventually, sign_in, unique
from contracts import erp_v1

pytestmark = [pytest.mark.integration, pytest.mark.browser]


async def new_prospect(client: httpx.AsyncClient, name: str, **headers: str) -> str:
    """A prospect registered through the API (by AM-01 unless `headers` say otherwise)."""
    account_id = unique("BP")
    response = await client.post(
        "/api/v1/accounts",
        json={"account_id": account_id, "name": name, "region": "East"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return account_id


async def as_someone_else(page: Page) -> None:
    """The browser forgets every cookie (its session and Keycloak's): a new visitor, who signs
    in again."""
    await page.context.clear_cookies()


async def test_edit_a_card_and_see_the_history(
    page: Page, accounts_site: str, accounts_client: httpx.AsyncClient
) -> None:
    account = await new_prospect(accounts_client, "Card Co")
    await sign_in(page, f"{accounts_site}/accounts/{account}", MANAGER)
    await expect(page.locator(".session .who")).to_have_text("AM-01")
    await page.click("#edit-card")
    form = page.locator("#card-form")
    await form.locator('input[name="contacts-0-name"]').fill("Li Wei")
    await form.locator('input[name="contacts-0-email"]').fill("li.wei@")
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

    # The team's supervisor changes the phone.
    await as_someone_else(page)
    await sign_in(page, f"{accounts_site}/accounts/{account}", SUPERVISOR)
    await page.click("#edit-card")
    await form.locator('input[name="contacts-0-phone"]').fill("+86 21 5555 0199")
    await form.locator('button[type="submit"]').click()
    await expect(page.locator("#contacts")).to_contain_text("+86 21 5555 0199")

    await page.click("#card-history")
    latest = page.locator('#versions tr[data-version="2"]')
    await expect(latest).to_contain_text("SUP-01")
    await expect(latest).to_contain_text("phone: +86 21 5555 0101 → +86 21 5555 0199")
    await expect(page.locator('#versions tr[data-version="1"]')).to_contain_text("AM-01")
    await expect(page.locator('#versions tr[data-version="1"]')).to_contain_text("Li Wei: added")

    # The card as it was before the second change.
    await page.click('#versions tr[data-version="1"] a.as-of')
    await expect(page.locator("#card-as-of")).to_contain_text("version 1")
    await expect(page.locator("#card-as-of")).to_contain_text("+86 21 5555 0101")


async def test_open_the_tier_explanation(
    page: Page,
    erp: Erp,
    accounts_worker: ServiceProcess,
    accounts_client: httpx.AsyncClient,
    accounts_site: str,
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
        response = await accounts_client.get(f"/api/v1/accounts/{customer}")
        if response.status_code != 200:
            return False
        # All four orders in, so the grade read below is the settled one.
        return response.json()["order_count_12m"] == 4 and response.json()["grade"] is not None

    await eventually(graded)
    await sign_in(page, f"{accounts_site}/accounts/{customer}", MANAGER)
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


async def test_a_manager_sees_only_their_own_accounts_and_forms_need_their_token(
    page: Page, accounts_site: str, accounts_client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    tag = unique("Own")
    mine = await new_prospect(accounts_client, f"{tag} Mine Co")
    theirs = await new_prospect(
        accounts_client, f"{tag} Theirs Co", **keycloak.bearer(OTHER_MANAGER)
    )
    await sign_in(page, f"{accounts_site}/accounts/?q={tag}", MANAGER)
    rows = page.locator("#accounts tbody tr[data-account-id]")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_have_attribute("data-account-id", mine)

    # Another manager's account is not found, as one that does not exist.
    answer = await page.goto(f"{accounts_site}/accounts/{theirs}")
    assert answer is not None and answer.status == 404
    await expect(page.get_by_role("alert")).to_contain_text(f"No account with id {theirs}")

    # A form of the signed-in browser posted without the session's CSRF token (as another
    # site would) is refused; nothing is reviewed.
    forged = await page.request.post(
        f"{accounts_site}/accounts/{mine}/card/review", form={"note": "forged"}
    )
    assert forged.status == 403
    assert (await forged.json())["error"]["code"] == "forbidden"
    reviews = await accounts_client.get(f"/api/v1/accounts/{mine}/card/history")
    assert reviews.json()["reviews"] == []


async def test_nominate_and_approve_a_vip(
    page: Page, accounts_site: str, accounts_client: httpx.AsyncClient
) -> None:
    account = await new_prospect(accounts_client, "Future VIP Co")
    await sign_in(page, f"{accounts_site}/accounts/{account}", MANAGER)
    nominate = page.locator("#nominate-form")
    await nominate.locator('input[name="reason"]').fill("long and stable cooperation ahead")
    await nominate.locator('button[type="submit"]').click()
    await expect(page.locator("#vip")).to_contain_text("waiting for a supervisor")

    await page.goto(f"{accounts_site}/accounts/vip/")
    row = page.locator(f'#pending tr[data-account-id="{account}"]')
    await expect(row).to_contain_text("long and stable cooperation ahead")
    # The nominating manager has no decision to make.
    await expect(row.locator('button[value="approve"]')).to_have_count(0)
    await expect(row).to_contain_text("for a supervisor")

    await as_someone_else(page)
    await sign_in(page, f"{accounts_site}/accounts/vip/", SUPERVISOR)
    row = page.locator(f'#pending tr[data-account-id="{account}"]')
    await row.locator('input[name="note"]').fill("agreed at the sales meeting")
    await row.locator('button[value="approve"]').click()
    await expect(page.locator(f'#pending tr[data-account-id="{account}"]')).to_have_count(0)
    await expect(page.locator("#decided")).to_contain_text("agreed at the sales meeting")
    await expect(page.locator("#decided")).to_contain_text("SUP-01")

    await page.goto(f"{accounts_site}/accounts/{account}")
    await expect(page.locator("#vip-flag")).to_have_text("VIP")
    await expect(page.locator("#timeline")).to_contain_text("VIP approved")

"""Consent honoured: accounts' consent events decide which contacts get care touches. A
withdrawn contact's open touch is cancelled (by the customer) and no new one is planned; the
account's plan (API and page) and the manager's weekly board say which dates are skipped and why; given again, the touches
come back. Engagement runs in-process at T0 (Wednesday 2 December 2026 in Shanghai) on the real
PostgreSQL."""

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from chassis.testing import Keycloak, unique
from contracts import accounts_v1
from engagement.adapters.tables import plan_items
from engagement.bootstrap import Engagement
from engagement_fixtures import T0, feed_accounts, join_team, registered, signed_in

pytestmark = pytest.mark.integration


def consent(
    account_id: str, reference: str, state: str, *, minutes: int
) -> accounts_v1.AccountContactConsentChanged:
    return accounts_v1.AccountContactConsentChanged(
        account_id=account_id,
        contact_reference=reference,
        state=state,  # type: ignore[arg-type]
        recorded_by="AM-01",
        changed_at=T0 + timedelta(minutes=minutes),
    )


async def account_with_birthdays(app: Engagement, account_id: str, *references: str) -> str:
    """The account, of a manager on SUP-01's team, whose card has these contacts' birthdays on
    5 December (their touches due today)."""
    manager = unique("AM")
    join_team(app, manager)
    await feed_accounts(
        app,
        [
            registered(account_id, manager=manager),
            accounts_v1.AccountKeyDatesChanged(
                account_id=account_id,
                card_version=1,
                key_dates=[
                    accounts_v1.KeyDate(reference=reference, kind="birthday", month=12, day=5)
                    for reference in references
                ],
                changed_at=T0,
            ),
        ],
    )
    return account_id


async def plan_of(app: Engagement, keycloak: Keycloak, account_id: str) -> dict[str, Any]:
    async with signed_in(app, keycloak) as api:
        response = await api.get(f"/api/v1/engagement/accounts/{account_id}/plan")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def birthdays(app: Engagement, account_id: str) -> dict[str, tuple[str, str | None]]:
    """Each birthday touch's contact reference -> its state and who cancelled it."""
    async with app.uow() as uow:
        rows = await uow.session.execute(
            select(plan_items).where(
                plan_items.c.account_id == account_id, plan_items.c.origin == "birthday"
            )
        )
    return {row.trigger.split(":")[1]: (row.state, row.cancelled_by) for row in rows}


async def test_a_withdrawn_contact_gets_no_care_touch_and_the_plan_says_why(
    engagement: Engagement, keycloak: Keycloak
) -> None:
    account_id = await account_with_birthdays(engagement, unique("C"), "CT-A", "CT-B")
    assert await birthdays(engagement, account_id) == {
        "CT-A": ("planned", None),
        "CT-B": ("planned", None),
    }

    await feed_accounts(engagement, [consent(account_id, "CT-A", "withdrawn", minutes=1)])

    assert await birthdays(engagement, account_id) == {
        "CT-A": ("cancelled", "customer"),
        "CT-B": ("planned", None),
    }
    plan = await plan_of(engagement, keycloak, account_id)
    assert [(s["contact_reference"], s["origin"], s["reason"]) for s in plan["skipped"]] == [
        ("CT-A", "birthday", "consent_withdrawn")
    ]
    assert plan["skipped"][0]["occurs_on"] == "2026-12-05"

    async with signed_in(engagement, keycloak) as site:
        page = await site.get(f"/engagement/accounts/{account_id}")
        board = await site.get(f"/engagement/boards/weekly/{plan['manager']}")
    # The plan and the manager's weekly board (the day falls this week) say why.
    for html in (page.text, board.text):
        (row,) = re.findall(r'<tr data-reference="CT-A".*?</tr>', html, re.S)
        assert "consent to marketing contact withdrawn" in row
    assert 'data-reference="CT-B"' not in board.text

    # A redelivered or older withdrawal plans nothing more; the other contact is untouched.
    await feed_accounts(engagement, [consent(account_id, "CT-A", "withdrawn", minutes=1)])
    assert await birthdays(engagement, account_id) == {
        "CT-A": ("cancelled", "customer"),
        "CT-B": ("planned", None),
    }


async def test_consent_given_again_brings_the_care_touches_back(
    engagement: Engagement, keycloak: Keycloak
) -> None:
    account_id = unique("C")
    # Withdrawn before engagement knew the card's dates: nothing is planned for the contact.
    await feed_accounts(engagement, [consent(account_id, "CT-A", "withdrawn", minutes=1)])
    await account_with_birthdays(engagement, account_id, "CT-A")
    assert await birthdays(engagement, account_id) == {}
    plan = await plan_of(engagement, keycloak, account_id)
    assert [s["contact_reference"] for s in plan["skipped"]] == ["CT-A"]

    # An older "given" seen late does not override the withdrawal in force.
    await feed_accounts(engagement, [consent(account_id, "CT-A", "given", minutes=0)])
    assert await birthdays(engagement, account_id) == {}

    await feed_accounts(engagement, [consent(account_id, "CT-A", "given", minutes=2)])
    assert await birthdays(engagement, account_id) == {"CT-A": ("planned", None)}
    assert (await plan_of(engagement, keycloak, account_id))["skipped"] == []

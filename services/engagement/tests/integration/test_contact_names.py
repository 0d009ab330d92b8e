"""Care touches carry a card reference only; the pages show the contact's name from accounts'
real API process, and still render, with the reference and a note, when accounts is down or
the contact is no longer on the card. Engagement runs in-process at T0 (Wednesday 2 December
2026 in Shanghai)."""

import re
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from chassis.clock import FixedClock
from chassis.testing import Keycloak, ServiceProcess, ServiceUnderTest, SignedInAs, unique
from contracts import accounts_v1
from engagement.bootstrap import Engagement, bootstrap
from engagement_fixtures import (
    T0,
    engagement_settings,
    feed_accounts,
    join_team,
    registered,
    signed_in,
)

pytestmark = pytest.mark.integration


# The account manager of the cards these tests put in accounts; engagement itself reads them
# with its machine token (the feeder client's service account).
CARD_OWNER = "am-07"
NAME_READER = "service-account-rapport-feeder"


@pytest.fixture
async def accounts_http(
    accounts_api: ServiceProcess, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=accounts_api.base_url, timeout=30, auth=SignedInAs(keycloak, CARD_OWNER)
    ) as http:
        yield http


def closed_port_url() -> str:
    """The URL of a local port nobody listens on: accounts down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def engagement_asking(
    engagement_service: ServiceUnderTest, accounts_url: str
) -> AsyncIterator[Engagement]:
    app = bootstrap(
        engagement_settings(
            engagement_service.env,
            accounts_api_url=accounts_url,
            accounts_api_timeout_seconds=2.0,
        ),
        clock=FixedClock(T0),
    )
    yield app
    await app.dispose()


@pytest.fixture
async def with_accounts(
    engagement_service: ServiceUnderTest, accounts_api: ServiceProcess
) -> AsyncIterator[Engagement]:
    async for app in engagement_asking(engagement_service, accounts_api.base_url):
        yield app


@pytest.fixture
async def accounts_down(engagement_service: ServiceUnderTest) -> AsyncIterator[Engagement]:
    async for app in engagement_asking(engagement_service, closed_port_url()):
        yield app


async def card_with_birthday(accounts_http: httpx.AsyncClient) -> tuple[str, str]:
    """A prospect in accounts whose card has one contact; returns (account id, contact id)."""
    account_id = unique("P")
    response = await accounts_http.post(
        "/api/v1/accounts",
        json={"account_id": account_id, "name": "Prospect Co", "region": "East"},
    )
    assert response.status_code == 201, response.text
    response = await accounts_http.put(
        f"/api/v1/accounts/{account_id}/card",
        json={
            "contacts": [{"name": "Li Wei", "birthday": "1980-12-05"}],
            "important_dates": [],
            "expected_version": 0,
        },
    )
    assert response.status_code == 200, response.text
    return account_id, response.json()["contacts"][0]["contact_id"]


async def plan_birthdays(app: Engagement, account_id: str, *references: str) -> str:
    """Engagement hears of the account, under a manager of its own on SUP-01's team, and its
    card's birthdays (5 December: due today); returns the manager."""
    manager = unique("AM")
    join_team(app, manager)
    key_dates = [
        accounts_v1.KeyDate(reference=reference, kind="birthday", month=12, day=5)
        for reference in references
    ]
    await feed_accounts(
        app,
        [
            registered(account_id, manager=manager),
            accounts_v1.AccountKeyDatesChanged(
                account_id=account_id, card_version=1, key_dates=key_dates, changed_at=T0
            ),
        ],
    )
    return manager


def birthday_rows(html: str) -> list[str]:
    return [
        row
        for row in re.findall(r'<tr data-item-id="[^"]+".*?</tr>', html, re.S)
        if "birthday" in row
    ]


def item_ids(html: str) -> list[str]:
    return re.findall(r'<tr data-item-id="([^"]+)"[^>]*>(?:(?!</tr>).)*birthday', html, re.S)


async def test_the_pages_show_the_contacts_name_from_accounts(
    with_accounts: Engagement, accounts_http: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account_id, contact_id = await card_with_birthday(accounts_http)
    manager = await plan_birthdays(with_accounts, account_id, contact_id, "CT-GONE")
    async with signed_in(with_accounts, keycloak) as site:
        board = await site.get(f"/engagement/boards/weekly/{manager}")
        plan = await site.get(f"/engagement/accounts/{account_id}")
        assert board.status_code == plan.status_code == 200
        for html in (board.text, plan.text):
            rows = birthday_rows(html)
            assert len(rows) == 2
            assert any("Li Wei" in row for row in rows)
            assert any("CT-GONE (no longer on the card)" in row for row in rows)
            assert contact_id not in " ".join(rows)
        log_forms = [
            await site.get(f"/engagement/items/{item_id}/log") for item_id in item_ids(plan.text)
        ]
        assert [form.status_code for form in log_forms] == [200, 200]
        assert sum("Li Wei" in form.text for form in log_forms) == 1

    # Each page asked once for the account's card, as engagement for the page's signed-in user,
    # and accounts logged the reads as such.
    log = (await accounts_http.get(f"/api/v1/accounts/{account_id}/card/access-log")).json()
    reads = [entry for entry in log if entry["what"] == "contact names and date labels"]
    assert {entry["actor"] for entry in reads} == {NAME_READER}
    assert sorted(entry["purpose"] for entry in reads) == sorted(
        f"{purpose}, for SUP-01"
        for purpose in (
            "care touches on the weekly board",
            "care touches on the account plan",
            "logging a care touch",
            "logging a care touch",
        )
    )


async def test_with_accounts_down_the_pages_show_the_reference_with_a_note(
    accounts_down: Engagement, keycloak: Keycloak
) -> None:
    account_id, contact_id = unique("P"), "CT-0001"
    manager = await plan_birthdays(accounts_down, account_id, contact_id)
    async with signed_in(accounts_down, keycloak) as site:
        board = await site.get(f"/engagement/boards/weekly/{manager}")
        plan = await site.get(f"/engagement/accounts/{account_id}")
        assert board.status_code == plan.status_code == 200
        note = f"{contact_id} (name unavailable: accounts did not answer)"
        assert [note in row for row in birthday_rows(board.text)] == [True]
        assert [note in row for row in birthday_rows(plan.text)] == [True]
        (item_id,) = item_ids(plan.text)
        form = await site.get(f"/engagement/items/{item_id}/log")
        assert form.status_code == 200
        assert note in form.text


async def test_the_team_and_monthly_boards_show_the_contacts_name_too(
    with_accounts: Engagement, accounts_http: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    account_id, contact_id = await card_with_birthday(accounts_http)
    manager = await plan_birthdays(with_accounts, account_id, contact_id, "CT-GONE")
    team = f"T-{manager}"
    async with signed_in(with_accounts, keycloak) as site:
        saved = await site.put(
            f"/api/v1/engagement/teams/{team}", json={"supervisor": "SUP-9", "managers": [manager]}
        )
        assert saved.status_code == 204, saved.text
        team_board = await site.get(f"/engagement/boards/team/{team}/live")
        month_board = await site.get(f"/engagement/boards/monthly/{manager}/2026-12")

    for page in (team_board, month_board):
        assert page.status_code == 200
        assert "Li Wei" in page.text
        assert "CT-GONE (no longer on the card)" in page.text
        assert contact_id not in page.text


async def test_with_accounts_down_the_team_and_monthly_boards_show_the_reference(
    accounts_down: Engagement, keycloak: Keycloak
) -> None:
    account_id, contact_id = unique("P"), "CT-0001"
    manager = await plan_birthdays(accounts_down, account_id, contact_id)
    team = f"T-{manager}"
    async with signed_in(accounts_down, keycloak) as site:
        saved = await site.put(
            f"/api/v1/engagement/teams/{team}", json={"supervisor": "SUP-9", "managers": [manager]}
        )
        assert saved.status_code == 204, saved.text
        team_board = await site.get(f"/engagement/boards/team/{team}/live")
        month_board = await site.get(f"/engagement/boards/monthly/{manager}/2026-12")

    note = f"{contact_id} (name unavailable: accounts did not answer)"
    for page in (team_board, month_board):
        assert page.status_code == 200
        assert note in page.text

"""The pages render from the real database and their forms run the same handlers as the API;
a refused form shows the reason with the API's 4xx status. The app runs in-process at T0
(Wednesday 2 December 2026 in Shanghai); accounts and orders arrive through the service's
event handlers, plan items, teams and targets through its JSON API."""

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from chassis.clock import FixedClock
from chassis.testing import Keycloak
from engagement.bootstrap import Engagement
from engagement_fixtures import T0, add_account, feed_orders, order_placed, signed_in

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 2)
TOMORROW = TODAY + timedelta(days=1)
FRIDAY = date(2026, 12, 4)
SUNDAY = date(2026, 12, 6)
NEXT_MONDAY = date(2026, 12, 7)
HTMX = {"HX-Request": "true"}


@pytest.fixture
async def site(engagement: Engagement, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    """The pages as SUP-01, the supervisor of each test's managers (`add_account`)."""
    async with signed_in(engagement, keycloak) as client:
        yield client


async def plan_item(
    site: httpx.AsyncClient,
    account_id: str,
    due_on: date,
    *,
    kind: str = "call",
    window_end: date | None = None,
) -> str:
    body: dict[str, Any] = {
        "account_id": account_id,
        "kind": kind,
        "due_on": due_on.isoformat(),
    }
    if window_end:
        body["window_end"] = window_end.isoformat()
    response = await site.post("/api/v1/engagement/items", json=body)
    assert response.status_code == 201, response.text
    item_id: str = response.json()["item_id"]
    return item_id


def row(html: str, item_id: str) -> str:
    """The table row of the item (empty when the page does not show it)."""
    found = re.search(rf'<tr data-item-id="{item_id}".*?</tr>', html, re.S)
    return found.group(0) if found else ""


def section_of(html: str, item_id: str) -> str | None:
    """The board section (table id) that lists the item."""
    for table in re.finditer(
        r'<table class="data items" id="section-([a-z-]+)">(.*?)</table>', html, re.S
    ):
        if f'data-item-id="{item_id}"' in table.group(2):
            return table.group(1)
    return None


def alert(html: str) -> str:
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def board(manager: str) -> str:
    return f"/engagement/boards/weekly/{manager}"


async def test_the_home_page_lists_the_managers_under_the_plan_entry(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    _, manager = await add_account(engagement, grade=None)
    home = await site.get("/engagement/")
    assert home.status_code == 200
    assert 'href="/engagement/" class="active"' in home.text
    assert f'href="{board(manager)}"' in home.text
    assert f'href="/engagement/boards/monthly/{manager}/2026-12"' in home.text
    teams = await site.get("/engagement/boards/team/")
    assert 'href="/engagement/boards/team/" class="active"' in teams.text


async def test_the_weekly_board_shows_overdue_today_tomorrow_and_the_rest_of_the_week(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    tiered, manager = await add_account(engagement, grade="C")
    plain, _ = await add_account(engagement, grade=None, manager=manager)
    clock = engagement.clock
    assert isinstance(clock, FixedClock)
    clock.set(T0 - timedelta(days=1))
    late = await plan_item(site, plain, TODAY - timedelta(days=1))
    clock.set(T0)
    today = await plan_item(site, tiered, TODAY)
    tomorrow = await plan_item(site, plain, TOMORROW, kind="visit")
    friday = await plan_item(site, plain, FRIDAY)
    sunday = await plan_item(site, plain, SUNDAY)
    next_week = await plan_item(site, plain, NEXT_MONDAY)
    await site.put(
        f"/api/v1/engagement/targets/{manager}/2026-12",
        json={"amount": "23000.00"},
    )
    await feed_orders(engagement, [order_placed(tiered, at=T0, total="1000.00")])

    page = await site.get(board(manager))
    assert page.status_code == 200
    html = page.text
    assert section_of(html, late) == "overdue"
    assert section_of(html, today) == "today"
    assert section_of(html, tomorrow) == "tomorrow"
    assert section_of(html, friday) == section_of(html, sunday) == "this-week"
    assert row(html, next_week) == ""
    item = row(html, today)
    assert f'href="/accounts/{tiered}"' in item
    assert 'data-field="tier">C<' in item
    assert 'data-field="origin">manual<' in item and 'data-field="kind">call<' in item
    assert 'data-day="2026-12-02">Wed, Dec 2, 2026<' in item
    assert 'data-field="reschedule-count">0<' in item
    for action in ("log", "confirm", "reschedule", "cancel"):
        assert f'data-action="{action}"' in item
    assert 'data-field="tier">—<' in row(html, tomorrow)
    # Plan completion and target progress at the top, as the API counts them.
    api = (await site.get(f"/api/v1/engagement/boards/weekly/{manager}")).json()
    planned = api["completion"]["planned"]
    assert planned >= 5
    assert f'data-field="completion">0 / {planned}<' in html
    day_tile = re.search(r'data-target="day">(.*?)</div></div>', html, re.S)
    assert day_tile and "¥1,000.00 of ¥" in day_tile.group(1)
    assert 'data-target="week"' in html and 'data-target="month"' in html
    # The board polls its live part, which is the same board without the layout.
    assert f'hx-get="{board(manager)}/live"' in html and "every 10.0s" in html
    live = await site.get(f"{board(manager)}/live")
    assert live.status_code == 200 and "<html" not in live.text
    assert section_of(live.text, tomorrow) == "tomorrow"
    # Another day's board: next Monday is that board's today.
    ahead = await site.get(board(manager), params={"on": NEXT_MONDAY.isoformat()})
    assert section_of(ahead.text, next_week) == "today"


async def test_the_board_buttons_confirm_reschedule_and_cancel(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade=None)
    confirmed = await plan_item(site, account_id, TODAY)
    moved = await plan_item(site, account_id, TODAY)
    cancelled = await plan_item(site, account_id, TOMORROW)
    actions = f"{board(manager)}/items"

    # With htmx the answer is the board's live part, swapped in place.
    live = await site.post(f"{actions}/{confirmed}/confirm", headers=HTMX)
    assert live.status_code == 200 and "<html" not in live.text
    assert 'data-state="confirmed"' in row(live.text, confirmed)

    # Without JavaScript the form redirects back to the board.
    response = await site.post(
        f"{actions}/{moved}/reschedule",
        data={
            "due_on": FRIDAY.isoformat(),
            "reason": "customer_request",
            "requested_by": "customer",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == board(manager)
    html = (await site.get(board(manager))).text
    assert section_of(html, moved) == "this-week"
    assert 'data-state="rescheduled"' in row(html, moved)
    assert 'data-field="reschedule-count">1<' in row(html, moved)
    item = (await site.get(f"/api/v1/engagement/items/{moved}")).json()
    assert [(r["requested_by"], r["reason"], r["actor"]) for r in item["reschedules"]] == [
        ("customer", "customer_request", "SUP-01")
    ]

    live = await site.post(
        f"{actions}/{cancelled}/cancel",
        data={"cancelled_by": "customer", "reason": "customer_cancelled"},
        headers=HTMX,
    )
    assert live.status_code == 200
    assert 'data-state="cancelled"' in row(live.text, cancelled)
    assert 'data-action="reschedule"' not in row(live.text, cancelled)
    assert (await site.get(f"/api/v1/engagement/items/{cancelled}")).json()["cancelled_by"] == (
        "customer"
    )


async def test_a_refused_board_action_shows_why_with_the_api_status(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade=None)
    item_id = await plan_item(site, account_id, TOMORROW)
    actions = f"{board(manager)}/items"

    past = await site.post(
        f"{actions}/{item_id}/reschedule",
        data={"due_on": "2026-12-01", "reason": "customer_request", "requested_by": "customer"},
        headers=HTMX,
    )
    assert past.status_code == 422
    assert "in the past" in alert(past.text)
    assert 'data-state="planned"' in row(past.text, item_id)
    no_reason = await site.post(
        f"{actions}/{item_id}/reschedule", data={"due_on": FRIDAY.isoformat()}
    )
    assert no_reason.status_code == 422 and "reason" in alert(no_reason.text)

    await site.post(f"{actions}/{item_id}/cancel", data={})
    again = await site.post(f"{actions}/{item_id}/confirm")
    assert again.status_code == 409
    assert "cannot confirm an item that is cancelled" in alert(again.text)

    unknown = await site.post(f"{actions}/PLN-NOSUCHITEM/confirm")
    assert unknown.status_code == 404 and "<h1>Not found</h1>" in unknown.text
    assert "PLN-NOSUCHITEM" in alert(unknown.text)
    unknown_live = await site.post(f"{actions}/PLN-NOSUCHITEM/confirm", headers=HTMX)
    assert unknown_live.status_code == 404 and "PLN-NOSUCHITEM" in alert(unknown_live.text)
    no_action = await site.post(f"{actions}/{item_id}/archive")
    assert no_action.status_code == 404
    bad_day = await site.get(board(manager), params={"on": "2026-13-01"})
    assert bad_day.status_code == 422 and "not a day" in alert(bad_day.text)


async def test_logging_a_visit_marks_the_item_done_and_plans_the_next_step(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade=None)
    item_id = await plan_item(site, account_id, TODAY, kind="visit")
    html = (await site.get(board(manager), params={"on": TODAY.isoformat()})).text
    link = re.search(r'href="(/engagement/items/[^"]+/log\?back=[^"]+)"', row(html, item_id))
    assert link

    form_page = await site.get(link.group(1))
    assert form_page.status_code == 200
    assert f'name="back" value="{board(manager)}?on=2026-12-02"' in form_page.text
    visit_id = re.search(r'name="visit_id" value="(VIS-[0-9A-F]+)"', form_page.text)
    assert visit_id
    assert 'name="actor"' not in form_page.text  # who logs is the signed-in user
    assert '<option value="on_site" selected>' in form_page.text
    form = {
        "visit_id": visit_id.group(1),
        "occurred_on": TODAY.isoformat(),
        "channel": "on_site",
        "contact_ref": "CT-7",
        "duration_minutes": "45",
        "outcome": "opportunity",
        "notes": "wants the spring range",
        "next_step_kind": "call",
        "next_step_on": FRIDAY.isoformat(),
        "next_step_note": "send the price list",
        "csat": "6",
        "nps": "9",
    }

    refused = await site.post(f"/engagement/items/{item_id}/log", data=form)
    assert refused.status_code == 422
    assert "csat" in alert(refused.text)
    assert "wants the spring range" in refused.text  # what was typed is kept
    assert visit_id.group(1) in refused.text

    # The form returns to the page it came from, only ever one of the engagement pages.
    logged = await site.post(
        f"/engagement/items/{item_id}/log",
        data={**form, "csat": "4", "back": "https://elsewhere.example/"},
    )
    assert logged.status_code == 303 and logged.headers["location"] == board(manager)
    html = (await site.get(board(manager))).text
    assert 'data-state="done"' in row(html, item_id)
    assert 'data-field="completion">1 / ' in html
    next_steps = [
        match.group(0)
        for match in re.finditer(r'<tr data-item-id="[^"]+".*?</tr>', html, re.S)
        if 'data-field="origin">next step<' in match.group(0)
    ]
    assert len(next_steps) == 1 and 'data-day="2026-12-04"' in next_steps[0]
    assert "send the price list" in next_steps[0]

    plan = (await site.get(f"/engagement/accounts/{account_id}")).text
    assert 'data-field="outcome">opportunity<' in plan
    assert 'data-field="csat">4<' in plan and 'data-field="nps">9<' in plan
    assert "Fri, Dec 4, 2026: call (next step)" in plan

    twice = await site.post(f"/engagement/items/{item_id}/log", data={**form, "csat": "4"})
    assert twice.status_code == 409 and "logged already" in alert(twice.text)
    unknown = await site.get("/engagement/items/PLN-NOSUCHITEM/log")
    assert unknown.status_code == 404 and "PLN-NOSUCHITEM" in alert(unknown.text)


async def test_an_unplanned_contact_and_scores_go_on_the_account_plan(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement, grade="B")
    form_page = await site.get(f"/engagement/accounts/{account_id}/log")
    assert form_page.status_code == 200
    visit_id = re.search(r'name="visit_id" value="(VIS-[0-9A-F]+)"', form_page.text)
    assert visit_id
    logged = await site.post(
        f"/engagement/accounts/{account_id}/log",
        data={
            "visit_id": visit_id.group(1),
            "occurred_on": TODAY.isoformat(),
            "channel": "video",
            "duration_minutes": "15",
            "outcome": "information",
            "notes": "asked about delivery times",
        },
    )
    assert logged.status_code == 303
    assert logged.headers["location"] == f"/engagement/accounts/{account_id}"
    plan = (await site.get(f"/engagement/accounts/{account_id}")).text
    assert f'data-visit-id="{visit_id.group(1)}"' in plan and "asked about delivery times" in plan
    assert 'data-field="tier">B<' in plan

    scored = await site.post(
        f"/engagement/accounts/{account_id}/feedback",
        data={"context": "survey", "csat": "5", "nps": ""},
    )
    assert scored.status_code == 303
    assert 'data-field="csat">5<' in (await site.get(f"/engagement/accounts/{account_id}")).text
    too_high = await site.post(
        f"/engagement/accounts/{account_id}/feedback",
        data={"context": "survey", "nps": "11"},
    )
    assert too_high.status_code == 422 and "nps" in alert(too_high.text)
    assert 'name="nps" type="number" min="0" max="10" value="11"' in too_high.text
    empty = await site.post(
        f"/engagement/accounts/{account_id}/feedback", data={"context": "survey"}
    )
    assert empty.status_code == 422 and "needs a csat" in alert(empty.text)

    for path in ("/engagement/accounts/C-NOBODY", "/engagement/accounts/C-NOBODY/log"):
        missing = await site.get(path)
        assert missing.status_code == 404 and "C-NOBODY" in alert(missing.text)
    found = await site.get("/engagement/accounts", params={"account_id": account_id})
    assert found.status_code == 303
    assert found.headers["location"] == f"/engagement/accounts/{account_id}"


async def test_the_team_board_shows_each_managers_week(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    first_account, first = await add_account(engagement, grade=None)
    second_account, second = await add_account(engagement, grade=None)
    items = [
        await plan_item(site, first_account, TODAY),
        await plan_item(site, first_account, TOMORROW),
        await plan_item(site, second_account, FRIDAY),
    ]
    team = f"T-{first}"
    response = await site.put(
        f"/api/v1/engagement/teams/{team}",
        json={"supervisor": "SUP-9", "managers": [first, second]},
    )
    assert response.status_code == 204

    page = await site.get(f"/engagement/boards/team/{team}")
    assert page.status_code == 200
    html = page.text
    assert "supervisor SUP-9" in html
    first_row = re.search(rf'<tr data-manager="{first}">.*?</tr>', html, re.S)
    second_row = re.search(rf'<tr data-manager="{second}">.*?</tr>', html, re.S)
    assert first_row and second_row
    assert 'data-count="today">1<' in first_row.group(0)
    assert 'data-count="tomorrow">1<' in first_row.group(0)
    assert 'data-count="this_week">1<' in second_row.group(0)
    assert [section_of(html, item) for item in items] == ["today", "tomorrow", "this-week"]
    assert f'hx-get="/engagement/boards/team/{team}/live"' in html
    live = await site.get(f"/engagement/boards/team/{team}/live")
    assert live.status_code == 200 and f'data-manager="{second}"' in live.text
    assert team in (await site.get("/engagement/boards/team/")).text

    unknown = await site.get("/engagement/boards/team/T-NOBODY")
    assert unknown.status_code == 404 and "T-NOBODY" in alert(unknown.text)


async def test_the_monthly_board_shows_the_weeks_and_the_items_spanning_them(
    site: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade=None)
    spanning = await plan_item(site, account_id, FRIDAY, window_end=date(2026, 12, 8))
    later = await plan_item(site, account_id, date(2026, 12, 16))

    page = await site.get(f"/engagement/boards/monthly/{manager}/2026-12")
    assert page.status_code == 200
    html = page.text
    spanning_table = re.search(r'id="spanning">(.*?)</table>', html, re.S)
    assert spanning_table and f'data-item-id="{spanning}"' in spanning_table.group(1)
    assert f'data-item-id="{later}"' not in spanning_table.group(1)
    week = re.search(r'data-week="2026-12-14">(.*?)</table>', html, re.S)
    assert week and f'data-item-id="{later}"' in week.group(1)
    assert 'data-field="completion">0 / 2<' in html
    assert f'href="/engagement/boards/monthly/{manager}/2026-11"' in html
    assert f'href="/engagement/boards/monthly/{manager}/2027-01"' in html

    bad = await site.get(f"/engagement/boards/monthly/{manager}/2026-13")
    assert bad.status_code == 404 and "2026-13" in alert(bad.text)

"""Every engagement page in Chinese and in English, and a refused board action's reason and an
API refusal's message (with the same code) in the request's language (issue 13, decision 0017).
A Chinese page shows the catalogue's Chinese for each of its known UI strings and none of their
English; the English page shows the English."""

import re
from collections.abc import AsyncIterator
from datetime import date, timedelta

import httpx
import pytest

from chassis.i18n import CHINESE, translations
from chassis.testing import Keycloak
from engagement.bootstrap import Engagement
from engagement_fixtures import add_account, signed_in

pytestmark = pytest.mark.integration

TODAY = date(2026, 12, 2)
HTMX = {"HX-Request": "true"}
# Each page's own English UI strings (as marked in its templates).
PAGES: dict[str, list[str]] = {
    "home": ["Plan: pick a manager", "weekly board", "Teams"],
    "weekly": ["this week", "next week →", "Reschedule", "Confirm", "Log visit"],
    "monthly": ["Items spanning weeks", "Week"],
    "account": ["Log an unplanned contact", "Last visit done", "Channel"],
    "log": ["Log a visit", "Log it", "Next step (optional)"],
    "teams": ["Team boards", "Supervisor", "Managers"],
    "team": ["Plan done", "Sales month to date"],
    "missing": ["Not found"],
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


@pytest.fixture
async def site(engagement: Engagement, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    """The pages as SUP-01, the supervisor of each test's managers (`add_account`)."""
    async with signed_in(engagement, keycloak) as client:
        yield client


@pytest.fixture
async def paths(site: httpx.AsyncClient, engagement: Engagement) -> dict[str, str]:
    """A manager with an account, an item due tomorrow on the weekly board, and a team."""
    account_id, manager = await add_account(engagement, grade=None)
    planned = await site.post(
        "/api/v1/engagement/items",
        json={
            "account_id": account_id,
            "kind": "call",
            "due_on": (TODAY + timedelta(days=1)).isoformat(),
        },
    )
    assert planned.status_code == 201, planned.text
    team = f"T-{manager}"
    saved = await site.put(
        f"/api/v1/engagement/teams/{team}", json={"supervisor": "SUP-9", "managers": [manager]}
    )
    assert saved.status_code == 204, saved.text
    return {
        "home": "/engagement/",
        "weekly": f"/engagement/boards/weekly/{manager}",
        "monthly": f"/engagement/boards/monthly/{manager}/2026-12",
        "account": f"/engagement/accounts/{account_id}",
        "log": f"/engagement/accounts/{account_id}/log",
        "teams": "/engagement/boards/team/",
        "team": f"/engagement/boards/team/{team}/live",
        "missing": "/engagement/accounts/NOPE-0",
        "item": planned.json()["item_id"],
        "manager": manager,
    }


@pytest.mark.parametrize("name", list(PAGES))
async def test_every_page_renders_in_chinese_and_in_english(
    site: httpx.AsyncClient, paths: dict[str, str], name: str
) -> None:
    chinese_catalogue = translations(CHINESE)

    english = await site.get(paths[name], params={"lang": "en"})
    chinese = await site.get(paths[name], params={"lang": "zh_CN"})

    expected = 404 if name == "missing" else 200
    assert (english.status_code, chinese.status_code) == (expected, expected)
    english_text, chinese_text = visible_text(english.text), visible_text(chinese.text)
    for phrase in PAGES[name]:
        translated = chinese_catalogue.gettext(phrase)
        assert translated != phrase, f"{phrase!r} has no Chinese translation"
        assert has_phrase(english_text, phrase), f"{phrase!r} missing on the English {name} page"
        assert translated in chinese_text, f"{translated!r} missing on the Chinese {name} page"
        assert not has_phrase(chinese_text, phrase), f"English {phrase!r} on the Chinese page"
    if name != "team":  # the live part is a fragment, without the layout
        assert '<html lang="zh-CN">' in chinese.text
        assert '<html lang="en">' in english.text


async def test_a_refused_board_action_says_why_in_chinese(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    actions = f"/engagement/boards/weekly/{paths['manager']}/items/{paths['item']}"

    refused = await site.post(
        f"{actions}/reschedule",
        params={"lang": "zh_CN"},
        data={"due_on": "2026-12-01", "reason": "customer_request", "requested_by": "customer"},
        headers=HTMX,
    )

    assert refused.status_code == 422
    reason = re.search(r'<p class="error" role="alert">(.*?)</p>', refused.text, re.S)
    assert reason is not None
    assert re.search(r"[\u4e00-\u9fff]", reason.group(1)), reason.group(1)
    assert "in the past" not in reason.group(1)


async def test_an_api_refusal_s_message_follows_accept_language_and_keeps_its_code(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    item = f"/api/v1/engagement/items/{paths['item']}/reschedule"
    body = {
        "due_on": "2026-12-01",
        "reason": "customer_request",
        "requested_by": "customer",
    }

    english = await site.post(item, json=body, headers={"accept-language": "en-US"})
    chinese = await site.post(item, json=body, headers={"accept-language": "zh-CN,zh;q=0.9"})

    assert english.status_code == chinese.status_code == 422
    assert english.json()["error"]["code"] == chinese.json()["error"]["code"]
    assert (
        english.json()["error"]["message"] == "cannot reschedule to 2026-12-01, a day in the past"
    )
    assert chinese.json()["error"]["message"] == "不能改期到已过去的 2026-12-01"

"""Every complaints page in Chinese and in English, and a refusal's message in the request's
language with the same code (issue 13, decision 0017).

The pages read the database, so they render through the app on the test schema. A Chinese page
must not show the English of any of its known UI strings (one left unmarked or untranslated).
"""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak, unique
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ActingByRoute, new_ticket

pytestmark = pytest.mark.integration

RULES = [
    {
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
            "return_review": {"amount": 1, "unit": "working_days", "calendar": "default"},
        }
    },
    {"severity": 1, "targets": {"regulator": {"amount": 24, "unit": "hours"}}},
]

# English UI strings of the shared part of every page (the complaints' own navigation).
EVERY_PAGE = ["Queue", "New ticket", "Calendars", "SLA policies"]
# Each page's own English UI strings, with the Chinese the page shows instead.
PAGES: dict[str, tuple[list[str], list[str]]] = {
    "queue": (
        ["Complaint queue", "Time to breach", "Status", "Severity", "Filter", "Reset", "received"],
        ["投诉工单队列", "距违约", "待受理", "退换货"],
    ),
    "new": (
        ["New complaint", "Account id", "Channel", "Description", "Open ticket", "hotline"],
        ["新建投诉", "客户编号", "热线电话", "创建工单"],
    ),
    "ticket": (
        [
            "SLA clocks",
            "Next step",
            "History",
            "Confirm and investigate",
            "Deadline",
            "respond",
            "running",
            "filed",
            "Record the report",
            "Record review",
            "Returned goods received",
        ],
        ["SLA 时限", "下一步", "处理记录", "确认并开始调查", "响应", "计时中", "立案", "登记报告"],
    ),
    "board": (
        ["Ops SLA board", "Open tickets", "Breaches", "Warnings", "Escalation"],
        ["运营 SLA 看板", "未结工单", "违约", "预警"],
    ),
    "calendars": (
        ["Business calendars", "Time zone", "Holidays", "Save", "Monday", "Sunday", "October"],
        ["工作日历", "时区", "星期一", "星期日", "2026年10月1日星期四 — 国庆节", "保存"],
    ),
    "policies": (
        ["Active: version", "Rule", "Matches", "Targets", "Versions", "Publish and activate"],
        ["当前生效", "匹配条件", "时限目标", "发布并启用", "工作日"],
    ),
    "missing": (["Not found", "No ticket"], ["未找到", "没有工单 CMP-NONE。"]),
}


def visible_text(html: str) -> str:
    """What a reader sees: no script, style or editable text (a policy's JSON), no tags."""
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


@pytest.fixture
async def site(
    complaints: Complaints, activate_policy: Any, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://rapport", auth=ActingByRoute(keycloak)
    ) as client:
        yield client


@pytest.fixture
async def paths(site: httpx.AsyncClient, new_account: Any) -> dict[str, str]:
    """A returns ticket of severity 1 (every clock, the return and regulator forms) with some
    history, and a calendar with holidays: the pages with most of their parts."""
    account = await new_account(name="蓝河医药有限公司", tier="high")
    body = new_ticket(account, category="returns", severity=1, contact="周经理")
    created = await site.post("/api/v1/complaints/tickets", json=body)
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]
    assert (await site.post(f"/complaints/tickets/{ticket_id}/do/acknowledge")).status_code == 303
    # A calendar of its own: the session's tickets count on the default one.
    calendar = {
        "name": unique("lang").lower(),
        "time_zone": "Asia/Shanghai",
        "holidays": "2026-10-01 | National Day | 国庆节",
    }
    week = {day: "09:00-18:00" for day in ("monday", "tuesday", "wednesday", "thursday")}
    saved = await site.post("/complaints/admin/calendars", data={**calendar, **week})
    assert saved.status_code == 303, saved.text
    return {
        "queue": f"/complaints/?account_id={account}",
        "new": "/complaints/new",
        "ticket": f"/complaints/tickets/{ticket_id}",
        "board": "/complaints/board",
        "calendars": "/complaints/admin/calendars",
        "policies": "/complaints/admin/policies",
        "missing": "/complaints/tickets/CMP-NONE",
    }


@pytest.mark.parametrize("name", list(PAGES))
async def test_every_page_renders_in_chinese_with_no_english_ui_string_left(
    site: httpx.AsyncClient, paths: dict[str, str], name: str
) -> None:
    english, chinese = PAGES[name]
    separator = "&" if "?" in paths[name] else "?"
    response = await site.get(f"{paths[name]}{separator}lang=zh_CN")
    assert response.status_code == (404 if name == "missing" else 200)
    assert '<html lang="zh-CN">' in response.text
    text = visible_text(response.text)
    left = [phrase for phrase in [*EVERY_PAGE, *english] if has_phrase(text, phrase)]
    assert left == [], f"English left on the Chinese {name} page: {left}"
    for phrase in chinese:
        assert phrase in text, phrase


@pytest.mark.parametrize("name", list(PAGES))
async def test_every_page_renders_in_english(
    site: httpx.AsyncClient, paths: dict[str, str], name: str
) -> None:
    english, _ = PAGES[name]
    separator = "&" if "?" in paths[name] else "?"
    response = await site.get(f"{paths[name]}{separator}lang=en")
    assert '<html lang="en">' in response.text
    text = visible_text(response.text)
    missing = [phrase for phrase in [*EVERY_PAGE, *english] if not has_phrase(text, phrase)]
    assert missing == [], f"not on the English {name} page: {missing}"


async def test_a_calendar_s_holidays_show_their_names_and_dates_in_the_page_s_language(
    site: httpx.AsyncClient,
) -> None:
    name = unique("holidays").lower()
    lines = "2026-10-01 | National Day | 国庆节\n2026-10-02 | | 国庆节\n2026-10-03\n"
    form = {"name": name, "time_zone": "Asia/Shanghai", "monday": "09:00-18:00", "holidays": lines}
    saved = await site.post("/complaints/admin/calendars", data=form)
    assert saved.status_code == 303, saved.text

    def holidays_shown(html: str) -> list[str]:
        card = html.split(f'id="calendar-{name}"', 1)[1].split("</form>", 1)[0]
        return [visible_text(item).strip() for item in re.findall(r"<li>(.*?)</li>", card)]

    chinese = await site.get("/complaints/admin/calendars?lang=zh_CN")
    assert holidays_shown(chinese.text) == [
        "2026年10月1日星期四 — 国庆节",
        "2026年10月2日星期五 — 国庆节",
        "2026年10月3日星期六",
    ]
    english = await site.get("/complaints/admin/calendars?lang=en")
    assert holidays_shown(english.text) == [
        "Thursday, October 1, 2026 — National Day",
        "Friday, October 2, 2026 — 国庆节",  # no English name given: the Chinese one
        "Saturday, October 3, 2026",
    ]
    refused = await site.post(
        "/complaints/admin/calendars?lang=zh_CN",
        data={**form, "holidays": "10/01/2026 | National Day | 国庆节"},
    )
    assert refused.status_code == 422
    assert "节假日 &#39;10/01/2026&#39; 不是形如 2026-10-01 的日期" in refused.text
    # The form gives both names back to edit, whatever the page's language.
    assert "2026-10-01 | National Day | 国庆节\n2026-10-02 |  | 国庆节\n2026-10-03" in english.text
    stored = await site.get(f"/api/v1/complaints/calendars/{name}")
    assert stored.json()["holidays"][:2] == [
        {"date": "2026-10-01", "name": {"en": "National Day", "zh": "国庆节"}},
        {"date": "2026-10-02", "name": {"en": "", "zh": "国庆节"}},
    ]


async def test_the_board_s_live_part_and_the_countdowns_follow_the_language(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    live = await site.get("/complaints/board/live", headers={"accept-language": "zh-CN"})
    text = visible_text(live.text)
    assert "更新于" in text and "Updated" not in text and "No open breaches." not in text
    # The pages' script gets the countdown's patterns in the page's language.
    ticket = await site.get(paths["ticket"], headers={"accept-language": "zh-CN,zh;q=0.9"})
    assert '"hours": "%(hours)d \\u5c0f\\u65f6 %(minutes)d \\u5206"' in ticket.text
    # The clock's target and the time used at the fixed clock, in Chinese.
    assert "24 小时（自然时间），可暂停" in ticket.text  # noqa: RUF001
    assert "0 分 0 秒" in ticket.text


async def test_a_refused_form_shows_its_reason_in_the_page_s_language(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    site.cookies.set("rapport_lang", "zh_CN")
    refused = await site.post(f"{paths['ticket']}/do/close", data={})
    assert refused.status_code == 409
    assert "工单当前状态为“已受理”，不能关闭" in refused.text  # noqa: RUF001
    unknown = await site.post("/complaints/new", data={"account_id": "C-nobody", "severity": "2"})
    assert unknown.status_code == 422 and "投诉系统中没有客户 &#39;C-nobody&#39;" in unknown.text


async def test_an_api_refusal_s_message_follows_accept_language_and_keeps_its_code(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    ticket_id = paths["ticket"].rsplit("/", 1)[-1]
    close = f"/api/v1/complaints/tickets/{ticket_id}/close"
    body: dict[str, str] = {}
    chinese = await site.post(close, json=body, headers={"accept-language": "zh-CN"})
    english = await site.post(close, json=body, headers={"accept-language": "en-GB"})
    assert chinese.status_code == english.status_code == 409
    assert chinese.json()["error"]["code"] == english.json()["error"]["code"]
    assert chinese.json()["error"]["code"] == "invalid_transition"
    assert chinese.json()["error"]["message"] == "工单当前状态为“已受理”，不能关闭"  # noqa: RUF001
    assert english.json()["error"]["message"] == "cannot close a ticket that is acknowledged"

    pause = f"/api/v1/complaints/tickets/{ticket_id}/clocks/respond/pause"
    refused = await site.post(
        pause, json={**body, "reason": "x"}, headers={"accept-language": "zh"}
    )
    assert refused.json()["error"] == {
        "code": "clock_not_pausable",
        "message": "响应时限不能暂停",
        "details": [],
    }

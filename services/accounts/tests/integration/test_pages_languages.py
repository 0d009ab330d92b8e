# ruff: noqa: RUF001 (the pages' Chinese punctuation is full-width)
"""Every accounts page in Chinese and in English, and a refusal's message in the request's
language with the same code (issue 13, decision 0017).

The pages read the database, so they render through the service's API process on the session's
schema, with an account fed by the test ERP (orders, so money and dates show), a card, a pending
VIP nomination, a draft tier policy and an evaluation report. A Chinese page must not show the
English of any of its known UI strings (one left unmarked or untranslated).
"""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from accounts_fixtures import MANAGER, SUPERVISOR, Erp, SignedInByRoute
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    eventually,
    unique,
)

pytestmark = pytest.mark.integration

# The report's quarter (its Q4), two years back: ended, and no other test reports on it.
PERIOD_YEAR = datetime.now(UTC).year - 2

# English UI strings of the shared part of every page (the accounts' own navigation).
EVERY_PAGE = ["New prospect", "Tier policy", "Evaluation reports"]
# Each page's own English UI strings, with the Chinese the page shows instead.
PAGES: dict[str, tuple[list[str], list[str]]] = {
    "list": (
        [
            "Accounts",
            "Search",
            "Value class",
            "Frequency class",
            "Filter",
            "Reset",
            "Net revenue 12m",
            "high",
        ],
        ["客户", "价值等级", "频次等级", "阶段", "筛选", "12 个月净收入", "¥89,250.00"],
    ),
    "new": (
        ["Company name", "Referred by (account id)", "Register prospect"],
        ["公司名称", "登记潜在客户", "客户经理"],
    ),
    "account": (
        [
            "Account manager",
            "Lifecycle stage",
            "Value class",
            "Why this tier?",
            "Relationship card",
            "Edit card",
            "Best call window",
            "Purchases",
            "Net revenue, last 12 months",
            "Timeline",
            "Save referral",
            "Mark card reviewed",
        ],
        ["客户经理", "生命周期阶段", "价值等级", "关系卡片", "采购情况", "时间线", "已提名"],
    ),
    "card": (
        ["Contacts", "Preferred channel", "Price sensitivity", "Important dates", "Save card"],
        ["联系人", "首选渠道", "价格敏感度", "重要日期", "保存卡片"],
    ),
    "card_history": (
        ["Card history", "Read the card as of", "Versions", "What changed", "Reviews"],
        ["卡片历史", "版本", "变更内容", "联系人"],
    ),
    "explanation": (
        ["Scorecard", "Indicator", "Weight", "Points", "Recorded decision"],
        ["评分卡", "指标", "权重", "收入", "频次", "合作年限"],
    ),
    "vip": (
        ["VIP (key accounts)", "Waiting for a decision", "Approve", "Reject", "Decided"],
        ["VIP（重点客户）", "待审批", "批准", "驳回", "候选客户"],
    ),
    "policies": (
        ["Versions", "Distribution now", "New draft", "Scorecard weights (add up to 100)"],
        ["评级规则", "当前分布", "新草案", "评分卡权重（合计 100）", "价值等级"],
    ),
    "policy": (
        ["Preview", "Accounts that would change", "With this draft", "draft"],
        ["预览", "将发生变化的客户", "采用此草案后", "草案"],
    ),
    "reports": (
        ["Periodic evaluation reports", "Period", "Create report", "Reviewed"],
        ["定期评估报告", "期间", "生成报告", "待审阅"],
    ),
    "report": (
        ["Account evaluation report", "Orders in period", "Recommendation", "Print"],
        ["客户评估报告", "本期订单数", "建议", "打印", "审阅人：", "¥"],
    ),
    "report_account": (
        ["Relationship evaluation", "Final score", "Indicator", "Lifecycle stage", "Print"],
        ["客户关系评估", "最终得分", "指标", "生命周期阶段", "主管："],
    ),
    "missing": (["Not found", "No account with id"], ["未找到", "没有编号为 NOPE-0 的客户。"]),
}


def visible_text(html: str) -> str:
    """What a reader sees: no script, style or editable text, no tags."""
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


@pytest.fixture(scope="module")
async def site(
    accounts_api: ServiceProcess, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    """The pages and API as AM-01 (tier policies as the admin)."""
    async with httpx.AsyncClient(
        base_url=accounts_api.base_url, timeout=30, auth=SignedInByRoute(keycloak)
    ) as client:
        yield client


@pytest.fixture(scope="module")
async def paths(
    infrastructure: Infrastructure,
    accounts: ServiceUnderTest,
    accounts_worker: ServiceProcess,
    site: httpx.AsyncClient,
    keycloak: Keycloak,
) -> AsyncIterator[dict[str, str]]:
    """An ERP account with orders (so the report has a line), a card, a pending VIP nomination,
    a draft policy and a report of a quarter that has ended: the pages with most of their parts."""
    producer = AIOKafkaProducer(**infrastructure.kafka.client_kwargs())
    await producer.start()
    try:
        erp = Erp(producer)
        account = unique("LANG")
        # One order in the reported quarter too (a report grades only accounts that had ordered).
        in_period = datetime.now(UTC) - datetime(PERIOD_YEAR, 11, 15, tzinfo=UTC)
        await erp.publish(
            erp.customer(account, name="蓝河医药有限公司", region="华东", segment="药房"),
            erp.order(account, f"{account}-SO1", "1250.00", days_ago=3),
            erp.order(account, f"{account}-SO2", "88000.00", days_ago=200),
            erp.order(account, f"{account}-SO0", "5000.00", days_ago=in_period.days),
        )
    finally:
        await producer.stop()

    async def evaluated() -> dict[str, Any] | None:
        found = await site.get(f"/api/v1/accounts/{account}")
        ready = found.status_code == 200 and found.json()["net_revenue_12m"] == "89250.00"
        return found.json() if ready else None

    await eventually(evaluated, within=60)
    # A customer of three years, so the report of an ended quarter has its line (a report lists
    # the accounts registered before the period's end; the ERP's customers are registered now).
    engine = create_async_engine(accounts.env["ACCOUNTS_DATABASE_URL"])
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE accounts SET registered_at = now() - interval '3 years'"
                " WHERE account_id = :account"
            ),
            {"account": account},
        )
    await engine.dispose()
    card = {
        "contacts": [
            {"name": "周经理", "position": "采购经理", "phone": "+86 21 5555 0101"},
        ],
        "important_dates": [{"label": "公司周年", "on": "2020-06-01", "recurring": True}],
    }
    saved = await site.put(f"/api/v1/accounts/{account}/card", json=card)
    assert saved.status_code == 200, saved.text
    nominated = await site.post(
        f"/api/v1/accounts/{account}/vip-nominations",
        json={"reason": "年采购额高"},
    )
    assert nominated.status_code == 201, nominated.text
    active = next(
        row
        for row in (await site.get("/api/v1/accounts/tier-policies")).json()
        if row["status"] == "active"
    )
    draft = await site.post(
        "/api/v1/accounts/tier-policies",
        json={"policy": {**active["policy"], "grade_a": "70"}, "note": "语言测试"},
    )
    assert draft.status_code == 201, draft.text
    period = f"{PERIOD_YEAR}-Q4"
    created = await site.post(
        "/api/v1/accounts/evaluation-reports",
        json={"period": period},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert created.status_code == 201, created.text
    report = created.json()["id"]
    yield {
        "list": f"/accounts/?q={account}",
        "new": "/accounts/new",
        "account": f"/accounts/{account}",
        "card": f"/accounts/{account}/card",
        "card_history": f"/accounts/{account}/card/history?as_of={datetime.now(UTC).date()}",
        "explanation": f"/accounts/{account}/explanation",
        "vip": "/accounts/vip/",
        "policies": "/accounts/policies/",
        "policy": f"/accounts/policies/{draft.json()['version']}",
        "reports": "/accounts/reports/",
        "report": f"/accounts/reports/{report}",
        "report_account": f"/accounts/reports/{report}/{account}",
        "missing": "/accounts/NOPE-0",
        "account_id": account,
    }


@pytest.mark.parametrize("name", list(PAGES))
async def test_every_page_renders_in_chinese_with_no_english_ui_string_left(
    site: httpx.AsyncClient, paths: dict[str, str], name: str
) -> None:
    english, chinese = PAGES[name]
    separator = "&" if "?" in paths[name] else "?"
    response = await site.get(f"{paths[name]}{separator}lang=zh_CN")
    assert response.status_code == (404 if name == "missing" else 200), response.text
    assert '<html lang="zh-CN">' in response.text
    text = visible_text(response.text)
    left = [phrase for phrase in [*EVERY_PAGE, *english] if has_phrase(text, phrase)]
    assert left == [], f"English left on the Chinese {name} page: {left}"
    absent = [phrase for phrase in chinese if phrase not in text]
    assert absent == [], f"not on the Chinese {name} page: {absent} in {text}"


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


async def test_money_and_dates_follow_the_locale(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    chinese = visible_text((await site.get(f"{paths['account']}?lang=zh_CN")).text)
    english = visible_text((await site.get(f"{paths['account']}?lang=en")).text)
    # Yuan as ¥1,250.00 in both; dates `2026年12月3日` / `Dec 3, 2026`.
    assert "¥89,250.00" in chinese and "¥89,250.00" in english
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日", chinese)
    assert re.search(r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}\b", english)
    assert "2020年6月1日" in chinese and "Jun 1, 2020" in english


async def test_a_refused_form_shows_its_reason_in_the_page_s_language(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    # The account's nomination is pending already.
    refused = await site.post(f"{paths['account']}/vip/nominate?lang=zh_CN", data={"reason": "x"})
    assert refused.status_code == 409
    assert "该客户已有待审批的提名" in refused.text
    assert '<html lang="zh-CN">' in refused.text


async def test_a_refused_form_shows_the_service_layer_s_reason_in_chinese(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    account = paths["account_id"]
    refused = await site.post(
        f"{paths['account']}/referral?lang=zh_CN",
        data={"referred_by": account},
    )
    assert refused.status_code == 422
    assert "客户不能推荐自己" in refused.text


async def test_an_api_refusal_s_message_follows_accept_language_and_keeps_its_code(
    accounts_api: ServiceProcess, keycloak: Keycloak, paths: dict[str, str]
) -> None:
    # A client of its own: no language cookie, only the header.
    async with httpx.AsyncClient(base_url=accounts_api.base_url, timeout=30) as client:
        nominate = f"/api/v1/accounts/{paths['account_id']}/vip-nominations"
        manager = keycloak.bearer(MANAGER)
        body = {"reason": "again"}
        chinese = await client.post(
            nominate, json=body, headers={**manager, "accept-language": "zh-CN"}
        )
        english = await client.post(
            nominate, json=body, headers={**manager, "accept-language": "en-GB"}
        )
    assert chinese.status_code == english.status_code == 409
    assert chinese.json()["error"]["code"] == english.json()["error"]["code"]
    assert chinese.json()["error"]["code"] == "nomination_pending"
    assert chinese.json()["error"]["message"] == "该客户已有待审批的提名"
    assert english.json()["error"]["message"] == "the account already has a pending nomination"

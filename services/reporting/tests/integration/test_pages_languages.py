"""Every reporting page in Chinese and in English, money and dates in the locale's format, and a
refusal's message in the request's language with the same code (issue 13, decision 0017). A
Chinese page shows the catalogue's Chinese for each of its known UI strings and none of their
English; the English page shows the English."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from chassis.i18n import CHINESE, translations
from chassis.testing import Keycloak, unique
from contracts import accounts_v1, erp_v1
from reporting.bootstrap import Reporting
from reporting.entrypoints.api import create
from reporting_fixtures import ADMIN, feed, received

pytestmark = pytest.mark.integration

DAY = datetime(2025, 5, 12, 9, 0, tzinfo=UTC)
PARAMS = {"period": "2025-05", "as_of": "2025-05-31"}
# Each page's own English UI strings (as marked in its templates and labels).
PAGES: dict[str, list[str]] = {
    "dashboard": [
        "Printable period report",
        "Net sales by day",
        "Revenue by product category",
        "Visit plan completion",
        "Whole company",
        "Period",
        "Show",
        "net revenue",
    ],
    "drill": ["Events behind", "Dashboard", "event id", "happened", "arrived"],
    "report": ["Period report", "Figures", "Customer lifetime value", "Print", "share %"],
    "error": ["Back to the dashboard"],
}


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text) is not None


@pytest.fixture
async def site(reporting: Reporting, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    """As the admin, who reads every scope (a bearer token: no sign-in, no CSRF token)."""
    transport = httpx.ASGITransport(app=create(reporting))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://rapport", headers=keycloak.bearer(ADMIN)
    ) as client:
        yield client


@pytest.fixture
async def paths(reporting: Reporting) -> dict[str, str]:
    """A manager's account with an order of ¥1,250.50 on 12 May 2025."""
    manager, account = unique("AM"), unique("C")
    await feed(
        reporting,
        [
            received(
                accounts_v1.AccountRegistered(
                    account_id=account,
                    name="蓝河医药有限公司",
                    region="East",
                    country="CN",
                    segment="pharmacy",
                    account_manager=manager,
                    registered_at=DAY - timedelta(days=90),
                ),
                arrived=DAY - timedelta(days=90),
            ),
            received(
                erp_v1.OrderPlaced.model_validate(
                    {
                        "order_id": unique("SO"),
                        "customer_id": account,
                        "placed_at": DAY,
                        "currency": "CNY",
                        "total": "1250.50",
                        "lines": [
                            {
                                "sku": "S",
                                "category": "syringes",
                                "quantity": 1,
                                "unit_price": "1250.50",
                            }
                        ],
                    }
                ),
                arrived=DAY,
            ),
        ],
    )
    scope = f"scope=manager:{manager}&period=2025-05&as_of=2025-05-31"
    return {
        "dashboard": f"/reporting/?{scope}",
        "drill": f"/reporting/figures/revenue_by_category/events?{scope}&key=syringes",
        "report": f"/reporting/report?{scope}",
        "error": "/reporting/?period=2025-14",
        "manager": manager,
    }


@pytest.mark.parametrize("name", list(PAGES))
async def test_every_page_renders_in_chinese_and_in_english(
    site: httpx.AsyncClient, paths: dict[str, str], name: str
) -> None:
    chinese_catalogue = translations(CHINESE)

    english = await site.get(f"{paths[name]}&lang=en")
    chinese = await site.get(f"{paths[name]}&lang=zh_CN")

    expected = 422 if name == "error" else 200
    assert (english.status_code, chinese.status_code) == (expected, expected)
    english_text, chinese_text = visible_text(english.text), visible_text(chinese.text)
    for phrase in ["Reporting", *PAGES[name]]:
        translated = chinese_catalogue.gettext(phrase)
        if phrase == "Events behind":
            translated = "背后的事件"
        else:
            assert translated != phrase, f"{phrase!r} has no Chinese translation"
        assert has_phrase(english_text, phrase), f"{phrase!r} missing on the English {name} page"
        assert translated in chinese_text, f"{translated!r} missing on the Chinese {name} page"
        assert not has_phrase(chinese_text, phrase), f"English {phrase!r} on the Chinese page"
    assert '<html lang="zh-CN">' in chinese.text
    assert '<html lang="en">' in english.text


async def test_money_and_dates_follow_the_language(
    site: httpx.AsyncClient, paths: dict[str, str]
) -> None:
    english = visible_text((await site.get(f"{paths['dashboard']}&lang=en")).text)
    chinese = visible_text((await site.get(f"{paths['dashboard']}&lang=zh_CN")).text)
    drill = visible_text((await site.get(f"{paths['drill']}&lang=zh_CN")).text)
    report = visible_text((await site.get(f"{paths['report']}&lang=zh_CN")).text)

    # Yuan as ¥1,250.50 in both languages; the days in each locale's own format.
    assert "¥1,250.50" in english and "¥1,250.50" in chinese
    assert "As of May 31, 2025" in english and "May 1, 2025" in english
    assert "截至 2025年5月31日" in chinese and "2025年5月1日" in chinese
    assert "5月12日" in chinese  # the sales chart's axis
    # The ERP's region and segment by their Chinese names; a category it added as itself.
    assert "East" in english and "pharmacy" in english
    assert "华东" in chinese and "药房" in chinese and "syringes" in chinese
    assert "Manager " + paths["manager"] in english
    assert "客户经理 " + paths["manager"] in chinese
    assert "2025年5月12日" in drill
    assert "¥1,250.50" in report and "2025年5月31日" in report


async def test_a_refusal_s_message_follows_the_language_and_keeps_its_code(
    site: httpx.AsyncClient,
) -> None:
    asked = {"period": "2025-05", "scope": "team:nobody"}
    english = await site.get(
        "/api/v1/reporting/figures/nps", params=asked, headers={"accept-language": "en-GB"}
    )
    chinese = await site.get(
        "/api/v1/reporting/figures/nps", params=asked, headers={"accept-language": "zh-CN"}
    )
    pattern = await site.get(
        "/api/v1/reporting/figures/nps",
        params={"period": "someday"},
        headers={"accept-language": "zh-CN"},
    )
    page = await site.get("/reporting/", params={"period": "2025-14", "lang": "zh_CN"})

    assert english.status_code == chinese.status_code == 404
    assert english.json()["error"]["code"] == chinese.json()["error"]["code"] == "team_not_found"
    assert english.json()["error"]["message"] == "no team 'nobody'"
    assert chinese.json()["error"]["message"] == "没有团队 'nobody'"
    assert pattern.status_code == 422 and pattern.json()["error"]["code"] == "invalid_input"
    assert pattern.json()["error"]["message"].startswith("输入无效：")  # noqa: RUF001
    assert page.status_code == 422
    assert "期间 &#39;2025-14&#39; 不存在" in page.text

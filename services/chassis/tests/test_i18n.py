"""The request's language, the translated layout, locale formats and the catalogue check."""

import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.middleware.sessions import SessionMiddleware

from chassis import i18n
from chassis.http import create_app
from chassis.i18n.__main__ import unmarked_text
from chassis.web import templates


def page_app(tmp_path: Path) -> httpx.AsyncClient:
    (tmp_path / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        "<p id=money>{{ money(amount) }}</p><p id=day>{{ day(on, 'full') }}</p>"
        "<p id=said>{{ _('Language') }}</p>{% endblock %}"
    )
    pages = templates(tmp_path, static_prefix="/static")
    router = APIRouter()

    @router.get("/page", response_class=HTMLResponse)
    async def page(request: Request) -> HTMLResponse:
        return pages.TemplateResponse(
            request, "page.html", {"amount": Decimal("1250"), "on": date(2026, 12, 3)}
        )

    @router.get("/said")
    async def said() -> dict[str, str]:
        return {"said": i18n.gettext("Language"), "language": i18n.current().code}

    app = create_app(service="test", title="test", readiness_checks=[], routers=[router])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", i18n.CHINESE),
        ("en-GB,en;q=0.9,zh-CN;q=0.8", i18n.ENGLISH),
        ("fr-FR, zh-TW;q=0.5, en;q=0.4", i18n.CHINESE),
        ("en;q=0.2, zh;q=0.7", i18n.CHINESE),
        ("zh;q=0, en", i18n.ENGLISH),
        ("de, fr;q=0.8", None),
        ("zh;q=abc, en", i18n.ENGLISH),
        ("", None),
    ],
)
def test_accept_language_picks_the_best_language_the_site_speaks(
    header: str, expected: i18n.Language | None
) -> None:
    assert i18n.preferred(header) == expected


@pytest.mark.parametrize(
    ("language", "money", "day", "weekday"),
    [
        (i18n.ENGLISH, "¥1,250.00", "Dec 3, 2026", "Thursday"),
        (i18n.CHINESE, "¥1,250.00", "2026年12月3日", "星期四"),
    ],
)
def test_money_dates_and_weekdays_follow_the_locale(
    language: i18n.Language, money: str, day: str, weekday: str
) -> None:
    with i18n.speaking(language):
        assert i18n.money(Decimal("1250")) == money
        assert i18n.money(Decimal("-30.5")) == "-" + money.replace("1,250.00", "30.50")
        assert i18n.day(date(2026, 12, 3)) == day
        assert i18n.weekday(date(2026, 12, 3)) == weekday


def test_the_erp_s_regions_segments_and_categories_have_chinese_names() -> None:
    with i18n.speaking(i18n.CHINESE):
        assert [i18n.data_label(v) for v in ("East", "pharmacy", "skincare")] == [
            "华东",
            "药房",
            "护肤",
        ]
        assert i18n.data_label("Tibet") == "Tibet"
    with i18n.speaking(i18n.ENGLISH):
        assert i18n.data_label("East") == "East"


def test_a_time_is_shown_in_the_zone_it_carries() -> None:
    at = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
    with i18n.speaking(i18n.CHINESE):
        assert i18n.clock(at) == "01:30"
    with i18n.speaking(i18n.ENGLISH):
        assert i18n.clock(at) == "1:30\u202fAM"


async def test_the_layout_follows_accept_language_then_the_switch_keeps_the_choice(
    tmp_path: Path,
) -> None:
    async with page_app(tmp_path) as client:
        chinese = await client.get("/page", headers={"accept-language": "zh-CN,zh;q=0.9"})
        assert '<html lang="zh-CN">' in chinese.text
        assert "<p id=said>语言</p>" in chinese.text
        assert "客户" in chinese.text or "投诉" in chinese.text  # the services' navigation
        assert "<p id=day>2026年12月3日星期四</p>" in chinese.text
        assert "Accept-Language" in chinese.headers["vary"]

        switched = await client.get("/page?lang=en", headers={"accept-language": "zh-CN"})
        assert '<html lang="en">' in switched.text
        assert "<p id=said>Language</p>" in switched.text
        assert "<p id=money>¥1,250.00</p>" in switched.text
        assert "rapport_lang=en" in switched.headers["set-cookie"]

        # The cookie, not the browser, decides from then on.
        kept = await client.get("/said", headers={"accept-language": "zh-CN"})
        assert kept.json() == {"said": "Language", "language": "en"}


async def test_the_switch_keeps_the_pages_query(tmp_path: Path) -> None:
    async with page_app(tmp_path) as client:
        page = await client.get("/page?grade=A&page=2")
    assert 'href="?grade=A&amp;page=2&amp;lang=zh_CN"' in page.text


async def test_an_unknown_language_or_a_broken_cookie_falls_back(tmp_path: Path) -> None:
    async with page_app(tmp_path) as client:
        unknown = await client.get("/said?lang=xx", headers={"accept-language": "zh"})
        assert unknown.json()["language"] == "zh_CN"
        assert "set-cookie" not in unknown.headers
        client.cookies.clear()
        broken = await client.get("/said", headers={"cookie": 'rapport_lang="; x'})
        assert broken.json()["language"] == "en"


async def test_a_signed_in_user_s_choice_comes_before_the_cookie_and_the_browser() -> None:
    router = APIRouter()

    @router.get("/sign-in")
    async def sign_in(request: Request, locale: str | None = None) -> None:
        request.session["principal"] = {"user_id": "AM-12"}
        if locale is not None:
            request.session[i18n.SESSION_KEY] = locale

    @router.get("/said")
    async def said() -> dict[str, str]:
        return {"language": i18n.current().code}

    app = create_app(service="test", title="test", readiness_checks=[], routers=[router])
    # As chassis.auth.install_identity adds it: after (so around) the language middleware.
    app.add_middleware(SessionMiddleware, secret_key="test")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        client.cookies.set(i18n.COOKIE, "en")
        english = {"accept-language": "en"}
        # The provider's `locale` claim, kept at sign-in, beats the cookie and the browser.
        await client.get("/sign-in", params={"locale": "zh_CN"})
        assert (await client.get("/said", headers=english)).json()["language"] == "zh_CN"
        # The switch, used while signed in, becomes the user's choice.
        await client.get("/said?lang=en")
        client.cookies.delete(i18n.COOKIE)
        chinese = {"accept-language": "zh-CN"}
        assert (await client.get("/said", headers=chinese)).json()["language"] == "en"
        # Someone without a choice of their own: the cookie, as before sign-in.
        client.cookies.clear()
        client.cookies.set(i18n.COOKIE, "zh_CN")
        await client.get("/sign-in")
        assert (await client.get("/said", headers=english)).json()["language"] == "zh_CN"


async def test_the_chassis_own_refusals_follow_accept_language_and_keep_their_codes() -> None:
    router = APIRouter()

    @router.get("/number")
    async def number(x: int) -> int:
        return x

    app = create_app(service="test", title="test", readiness_checks=[], routers=[router])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:

        async def error(path: str, language: str) -> dict[str, object]:
            answer = await client.get(path, headers={"accept-language": language})
            body: dict[str, object] = answer.json()["error"]
            return body

        assert (await error("/number?x=a", "en"))["message"] == (
            "invalid input: query.x: Input should be a valid integer, unable to parse string as "
            "an integer"
        )
        chinese = await error("/number?x=a", "zh-CN")
        assert chinese["code"] == "invalid_input"
        assert chinese["message"] == "输入无效：query.x: 应为有效的整数"  # noqa: RUF001
        assert chinese["details"] == [{"field": "query.x", "message": "应为有效的整数"}]
        assert (await error("/number", "zh"))["details"] == [
            {"field": "query.x", "message": "此字段必填"}
        ]
        assert await error("/nowhere", "zh") == {
            "code": "not_found",
            "message": "未找到",
            "details": [],
        }
        nul = await error("/number?x=%00", "zh")
        assert nul["code"] == "invalid_input" and nul["message"] == "查询参数中含有 NUL 字符"


def test_the_catalogue_check_fails_on_a_string_without_translation(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    (package / "templates").mkdir(parents=True)
    (package / "templates" / "page.html").write_text("<p>{{ _('Open tickets') }}</p>")
    (package / "labels.py").write_text("from chassis.i18n import N_\nLABEL = N_('Overdue')\n")

    def run(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "chassis.i18n", command, str(package)],
            capture_output=True,
            text=True,
            check=False,
        )

    missing = run("check")
    assert missing.returncode == 1 and "missing (2 strings to translate)" in missing.stderr
    assert run("update").returncode == 0
    untranslated = run("check")
    assert untranslated.returncode == 1
    assert "'Open tickets' is not translated" in untranslated.stderr
    assert "'Overdue' is not translated" in untranslated.stderr
    catalogue = package / "locale" / "zh_CN" / "LC_MESSAGES" / "messages.po"
    catalogue.write_text(
        catalogue.read_text().replace(
            'msgid "Open tickets"\nmsgstr ""', 'msgid "Open tickets"\nmsgstr "未结工单"'
        )
    )
    catalogue.write_text(
        catalogue.read_text().replace(
            'msgid "Overdue"\nmsgstr ""', 'msgid "Overdue"\nmsgstr "逾期"'
        )
    )
    assert run("check").returncode == 0
    (package / "labels.py").write_text("LABEL = 'Overdue'\n")
    stale = run("check")
    assert stale.returncode == 1 and "'Overdue' is no longer used" in stale.stderr


def test_the_catalogue_check_fails_on_a_template_s_english_left_unmarked(tmp_path: Path) -> None:
    package = tmp_path / "shop"
    (package / "templates").mkdir(parents=True)
    (package / "templates" / "page.html").write_text(
        "{# a comment #}<style>p { color: red }</style>"
        '<h1 title="the queue">{{ _("Queue") }} · {{ ticket.id }}</h1>'
        "{% trans n=3 %}{{ n }} open{% endtrans %}<p>Open tickets: {{ count }}</p>"
        "<span>CSV &nbsp; SLA</span><input {% if on %}checked{% endif %}>"
    )

    assert unmarked_text((package / "templates" / "page.html").read_text()) == [
        "the queue",
        "Open tickets:",
    ]
    check = subprocess.run(
        [sys.executable, "-m", "chassis.i18n", "check", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1
    assert "'Open tickets:' is not marked for translation" in check.stderr

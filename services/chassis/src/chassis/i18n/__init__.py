"""Languages: simplified Chinese and English on every page and in every refusal (issue 13).

A request's language is, in order: the `lang` query parameter (the navigation's switch, which
keeps the choice in the `rapport_lang` cookie and, for a signed-in user, in their session), the
signed-in user's own choice (the session's: the switch's, else the identity provider's `locale`
claim at sign-in, which Keycloak keeps per user), the cookie, the browser's `Accept-Language`
(any Chinese tag reads simplified Chinese), else English.

Messages are written in English in the code and the templates, marked with `_()` (`N_()` for a
string translated later, where it is shown). Their translations are gettext catalogues managed
with Babel: each package with messages (the chassis and every service) keeps
`locale/zh_CN/LC_MESSAGES/messages.po` beside its code. A process reads the catalogues of the
chassis and of every installed service (the `rapport.navigation` entry points), so the shared
navigation is translated on every page. `python -m chassis.i18n check <package dirs>` (in `make check`) fails
when a marked string has no translation; `update` adds the new strings to the catalogues.

Dates, numbers and money follow the language's locale (Babel's CLDR data); money is in yuan
and shown as ¥1,250.00 in both languages (Babel's English symbol for CNY is `CN¥`).
"""

import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from http.cookies import CookieError, SimpleCookie
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chassis.messages import N_, _, gettext, ngettext, translating_with

__all__ = ["N_", "_", "gettext", "ngettext"]

CATALOGUE = Path("LC_MESSAGES") / "messages.po"
COOKIE = "rapport_lang"
# The signed-in user's choice, in the signed session (chassis.auth keeps the principal there).
SESSION_KEY = "language"
# A year: the choice stays until it is changed.
COOKIE_MAX_AGE = 365 * 24 * 3600
# Every service registers its navigation entries there, so the group lists the installed services.
SERVICES_GROUP = "rapport.navigation"


@dataclass(frozen=True)
class Language:
    """A language the site speaks: its catalogue directory, its HTML tag, its own name."""

    code: str
    html: str
    name: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(self.code)


ENGLISH = Language("en", "en", "English")
CHINESE = Language("zh_CN", "zh-CN", "中文")
LANGUAGES: tuple[Language, ...] = (CHINESE, ENGLISH)
DEFAULT = ENGLISH
_BY_CODE = {language.code: language for language in LANGUAGES}
# The primary subtag of an Accept-Language tag or a `lang` value, to the language read.
_BY_PRIMARY = {"zh": CHINESE, "en": ENGLISH}

_current: ContextVar[Language] = ContextVar("rapport_language", default=DEFAULT)


def language_of(value: str | None) -> Language | None:
    """The language a `lang` value or a language tag names (`zh`, `zh-CN`, `zh_TW`, `en-GB`)."""
    if not value:
        return None
    exact = _BY_CODE.get(value)
    return exact or _BY_PRIMARY.get(value.replace("_", "-").split("-", 1)[0].strip().lower())


def preferred(accept_language: str) -> Language | None:
    """The best language of an `Accept-Language` header the site speaks, by quality."""
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        language = language_of(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked, key=lambda entry: entry[:2])[2] if ranked else None


def current() -> Language:
    """The language of the request being answered (English outside a request)."""
    return _current.get()


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Answer in `language` inside the block (tests, scripts, a report rendered offline)."""
    token = _current.set(language)
    try:
        with translating_with(translations(language)):
            yield
    finally:
        _current.reset(token)


def catalogue_dirs() -> list[Path]:
    """The `locale` directories of the chassis and every installed service."""
    packages = [
        "chassis",
        *sorted({point.module.split(".", 1)[0] for point in entry_points(group=SERVICES_GROUP)}),
    ]
    dirs = []
    for package in packages:
        spec = find_spec(package)
        if spec is not None and spec.submodule_search_locations:
            for location in spec.submodule_search_locations:
                if (Path(location) / "locale").is_dir():
                    dirs.append(Path(location) / "locale")
    return dirs


@cache
def translations(language: Language) -> NullTranslations:
    """Every installed catalogue of `language`, read from the .po files (nothing compiled is
    committed); English is the messages themselves."""
    merged: NullTranslations = NullTranslations()
    for directory in catalogue_dirs():
        path = directory / language.code / CATALOGUE
        if not path.is_file():
            continue
        with path.open("rb") as po:
            catalogue = read_po(po, locale=language.code)
        compiled = io.BytesIO()
        write_mo(compiled, catalogue)
        compiled.seek(0)
        found = Translations(fp=compiled)
        if isinstance(merged, Translations):
            merged.merge(found)
        else:
            merged = found
    return merged


# The ERP's regions, customer segments and product categories (English keys in its data), which
# the accounts and reporting pages show by these names; any other value shows as itself.
MASTER_DATA: Mapping[str, str] = {
    "East": N_("East"),
    "North": N_("North"),
    "South": N_("South"),
    "Central": N_("Central"),
    "Southwest": N_("Southwest"),
    "Northeast": N_("Northeast"),
    "supermarket chain": N_("supermarket chain"),
    "pharmacy": N_("pharmacy"),
    "beauty salon": N_("beauty salon"),
    "department store": N_("department store"),
    "convenience store": N_("convenience store"),
    "online retailer": N_("online retailer"),
    "hotel": N_("hotel"),
    "skincare": N_("skincare"),
    "haircare": N_("haircare"),
    "cosmetics": N_("cosmetics"),
    "household": N_("household"),
    "personal care": N_("personal care"),
    "baby care": N_("baby care"),
    "snacks": N_("snacks"),
    "beverages": N_("beverages"),
}


def data_label(value: object) -> str:
    """A region, segment or product category of the ERP's data in the reader's language."""
    text = "" if value is None else str(value)
    return gettext(MASTER_DATA[text]) if text in MASTER_DATA else text


def money(amount: Decimal | int | float) -> str:
    """Yuan with two decimals, grouped by the locale: ¥1,250.00, -¥30.50."""
    digits = format_decimal(abs(Decimal(str(amount))), "#,##0.00", locale=current().locale)
    return f"{'-' if Decimal(str(amount)) < 0 else ''}¥{digits}"


def number(value: Decimal | int | float, pattern: str | None = None) -> str:
    return format_decimal(value, pattern, locale=current().locale)


def day(value: date, style: str = "medium") -> str:
    """A date in the locale's style: `Dec 3, 2026` / `2026年12月3日`; `full` adds the weekday."""
    return format_date(value, style, locale=current().locale)


def short_day(value: date) -> str:
    """A day of the year without the year, for a chart's axis: `Dec 3` / `12月3日`."""
    return format_skeleton("MMMd", value, locale=current().locale)


def weekday(value: date, width: str = "wide") -> str:
    """The weekday's name: `Thursday` / `星期四` (`abbreviated`: `Thu` / `周四`)."""
    pattern = {"wide": "EEEE", "abbreviated": "EEE"}[width]
    return format_date(value, pattern, locale=current().locale)


def moment(value: datetime, style: str = "medium") -> str:
    """A date and time in the locale's style, in the time zone `value` carries."""
    return format_datetime(value, style, tzinfo=value.tzinfo, locale=current().locale)


def clock(value: datetime, style: str = "short") -> str:
    """A time of day: `9:30 AM` / `09:30`."""
    return format_time(value, style, tzinfo=value.tzinfo, locale=current().locale)


def template_globals() -> Mapping[str, object]:
    """What every page's template sees: the language, the switch's choices, the formatters."""
    return {
        "languages": LANGUAGES,
        "current_language": current,
        "money": money,
        "number": number,
        "data_label": data_label,
        "day": day,
        "short_day": short_day,
        "weekday": weekday,
        "moment": moment,
        "clock": clock,
    }


def _cookie(header: str) -> str | None:
    """The language cookie's value; a malformed Cookie header counts as none."""
    try:
        cookie = SimpleCookie(header)
    except CookieError:
        return None
    return cookie[COOKIE].value if COOKIE in cookie else None


class LanguageMiddleware:
    """Sets the request's language (see the module's docstring) for the handlers and templates;
    a `lang` query parameter is also kept in the cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value for key, value in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        chosen = language_of(query.get("lang", [""])[0])
        # Starlette's SessionMiddleware (chassis.auth) wraps this one, so the session is read.
        session = scope.get("session")
        user: dict[str, Any] | None = (
            session if isinstance(session, dict) and "principal" in session else None
        )
        if user is not None and chosen is not None:
            user[SESSION_KEY] = chosen.code
        language = (
            chosen
            or (language_of(user.get(SESSION_KEY)) if user is not None else None)
            or language_of(_cookie(headers.get("cookie", b"").decode("latin-1")))
            or preferred(headers.get("accept-language", b"").decode("latin-1"))
            or DEFAULT
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"vary", b"Accept-Language, Cookie")]
                if chosen is not None:
                    value = (
                        f"{COOKIE}={chosen.code}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax"
                    )
                    extra.append((b"set-cookie", value.encode("latin-1")))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        with speaking(language):
            await self.app(scope, receive, send_with_cookie)

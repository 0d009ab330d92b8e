"""The shared page layout: base template, navigation, styles and vendored static assets.

Every service renders its pages with `templates(...)` so they extend `base.html` and look like
one site; `mount_static` serves the shared assets under the service's own path prefix.

Navigation: each service declares its entries in its own `ui/navigation.py` and registers them
under the `rapport.navigation` entry-point group of its pyproject.toml; every page shows every
installed service's entries, services in name order. A new service adds itself there, never here.
"""

from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from chassis import auth, i18n

WEB_DIR = Path(__file__).parent
NAVIGATION_GROUP = i18n.SERVICES_GROUP


@dataclass(frozen=True)
class NavEntry:
    """A link of the site's top bar: `href` is a path of the front door."""

    # English, marked with `chassis.i18n.N_` so it is translated where it is shown.
    label: str
    href: str


@cache
def site_navigation() -> tuple[NavEntry, ...]:
    """Every installed service's entries, from the `rapport.navigation` entry points."""
    services = sorted(entry_points(group=NAVIGATION_GROUP), key=lambda point: point.name)
    return tuple(entry for point in services for entry in point.load())


def active_href(path: str, navigation: tuple[NavEntry, ...]) -> str | None:
    """The entry a page belongs to: the longest href its path starts with."""
    matching = [entry.href for entry in navigation if path.startswith(entry.href)]
    return max(matching, key=len, default=None)


def language_href(request: Request, code: str) -> str:
    """The page itself in another language: its query with `lang` set (see chassis.i18n)."""
    return "?" + urlencode({**request.query_params, "lang": code})


@pass_context
def csrf_input(context: Context) -> Markup:
    """The hidden field every state-changing form carries (`chassis.auth.csrf_protected`)."""
    # Markup.format escapes its arguments.
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        auth.CSRF_FIELD, auth.csrf_token(context["request"])
    )


def templates(service_templates: Path, *, static_prefix: str) -> Jinja2Templates:
    """Jinja templates: the service's own first, then the shared layout."""
    environment_templates = Jinja2Templates(directory=str(service_templates))
    environment_templates.env.loader = ChoiceLoader(
        [FileSystemLoader(str(service_templates)), FileSystemLoader(str(WEB_DIR / "templates"))]
    )
    environment_templates.env.add_extension("jinja2.ext.i18n")
    environment_templates.env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    environment_templates.env.policies["ext.i18n.trimmed"] = True
    navigation = site_navigation()
    environment_templates.env.globals.update(
        i18n.template_globals(),
        navigation=navigation,
        active_href=lambda path: active_href(path, navigation),
        language_href=language_href,
        csrf_input=csrf_input,
        signed_in=auth.signed_in,
        sign_out_path=auth.sign_out_path,
        static_prefix=static_prefix,
    )
    return environment_templates


def mount_static(app: FastAPI, *, static_prefix: str) -> None:
    app.mount(static_prefix, StaticFiles(directory=str(WEB_DIR / "static")), name="chassis-static")

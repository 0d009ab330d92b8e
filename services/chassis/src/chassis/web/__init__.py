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

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

WEB_DIR = Path(__file__).parent
NAVIGATION_GROUP = "rapport.navigation"


@dataclass(frozen=True)
class NavEntry:
    """A link of the site's top bar: `href` is a path of the front door."""

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


def templates(service_templates: Path, *, static_prefix: str) -> Jinja2Templates:
    """Jinja templates: the service's own first, then the shared layout."""
    environment_templates = Jinja2Templates(directory=str(service_templates))
    environment_templates.env.loader = ChoiceLoader(
        [FileSystemLoader(str(service_templates)), FileSystemLoader(str(WEB_DIR / "templates"))]
    )
    navigation = site_navigation()
    environment_templates.env.globals.update(
        navigation=navigation,
        active_href=lambda path: active_href(path, navigation),
        static_prefix=static_prefix,
    )
    return environment_templates


def mount_static(app: FastAPI, *, static_prefix: str) -> None:
    app.mount(static_prefix, StaticFiles(directory=str(WEB_DIR / "static")), name="chassis-static")

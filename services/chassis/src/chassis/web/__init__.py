"""The shared page layout: base template, navigation, styles and vendored static assets.

Every service renders its pages with `templates(...)` so they extend `base.html` and look like
one site; `mount_static` serves the shared assets under the service's own path prefix.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

WEB_DIR = Path(__file__).parent

NAVIGATION: tuple[tuple[str, str], ...] = (
    ("Accounts", "/accounts/"),
    ("Complaints", "/complaints/"),
    ("SLA board", "/complaints/board"),
)


def templates(service_templates: Path, *, static_prefix: str) -> Jinja2Templates:
    """Jinja templates: the service's own first, then the shared layout."""
    environment_templates = Jinja2Templates(directory=str(service_templates))
    environment_templates.env.loader = ChoiceLoader(
        [FileSystemLoader(str(service_templates)), FileSystemLoader(str(WEB_DIR / "templates"))]
    )
    environment_templates.env.globals.update(navigation=NAVIGATION, static_prefix=static_prefix)
    return environment_templates


def mount_static(app: FastAPI, *, static_prefix: str) -> None:
    app.mount(static_prefix, StaticFiles(directory=str(WEB_DIR / "static")), name="chassis-static")

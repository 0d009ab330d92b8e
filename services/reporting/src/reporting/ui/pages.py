"""The reporting pages: they extend the shared layout (chassis.web)."""

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from chassis.web import templates as shared_templates

STATIC_PREFIX = "/reporting/static"
templates = shared_templates(Path(__file__).parent / "templates", static_prefix=STATIC_PREFIX)
router = APIRouter(prefix="/reporting", include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "home.html", {})

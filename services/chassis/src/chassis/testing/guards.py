"""Every route of a service asks who is asking (decision 0016, point 1): a test per service
walks its app with `unguarded_routes` and expects nothing back."""

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from chassis.auth import SAFE_METHODS, csrf_protected, current_principal, page_principal

# Open to anyone: probes, metrics and the sign-in flow itself.
OPEN_PATHS = ("/healthz", "/readyz", "/metrics")
OPEN_SEGMENTS = ("/auth/",)


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def api_routes(app: FastAPI) -> list[APIRoute]:
    """Every API route and page of `app`, those of its included routers too: FastAPI keeps an
    included router as one entry of `app.routes` (0.165), so walking `app.routes` alone finds
    no route of the routers a service includes."""
    return [
        context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
    ]


def _is_open(path: str) -> bool:
    return path in OPEN_PATHS or any(segment in path for segment in OPEN_SEGMENTS)


def unguarded_routes(app: FastAPI) -> list[str]:
    """`METHOD path` of each route that answers without knowing the principal, and of each
    state-changing page route (not under /api/) without the CSRF check."""
    found: list[str] = []
    for route in api_routes(app):
        if _is_open(route.path):
            continue
        calls = set(_calls(route.dependant))
        for method in sorted(route.methods or ()):
            if not calls & {current_principal, page_principal}:
                found.append(f"{method} {route.path}: no principal")
            if (
                method not in SAFE_METHODS
                and "/api/" not in route.path
                and csrf_protected not in calls
            ):
                found.append(f"{method} {route.path}: no CSRF check")
    return found

"""HTTP: app factory with health, readiness, metrics, correlation ids and uniform error bodies.

Every error a client gets looks the same:
`{"error": {"code": "not_found", "message": "...", "details": [...]}}`.
"""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from chassis.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RapportError,
    TooLarge,
)
from chassis.logging import correlation_id

ReadinessCheck = Callable[[], Awaitable[None]]

HTTP_REQUESTS = Counter(
    "rapport_http_requests_total", "HTTP requests", ["service", "method", "status"]
)

_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_input",
}


_STATUS_OF_KIND: dict[type[RapportError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    TooLarge: 413,
}


def error_body(code: str, message: str, details: Sequence[Any] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


def status_of(error: RapportError) -> int:
    """The HTTP status of a refusal: its kind's (a subclass counts as its kind), else 400."""
    return next(
        (status for kind, status in _STATUS_OF_KIND.items() if isinstance(error, kind)), 400
    )


def _refusal_body(error: RapportError) -> dict[str, Any]:
    details = [{"field": p.field, "message": p.message} for p in error.details]
    return error_body(error.code, error.message, details)


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RapportError)
    async def _refused(_: Request, exc: RapportError) -> JSONResponse:
        return JSONResponse(_refusal_body(exc), status_code=status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
        return JSONResponse(
            error_body("invalid_input", f"invalid input: {summary}", details), status_code=422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code)


def ops_router(service: str, readiness_checks: Sequence[ReadinessCheck]) -> APIRouter:
    """`/healthz` (the process runs), `/readyz` (its dependencies answer), `/metrics`."""
    router = APIRouter(include_in_schema=False)

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @router.get("/readyz")
    async def readyz() -> Response:
        failures = []
        for check in readiness_checks:
            try:
                await check()
            except Exception as exc:
                failures.append(f"{getattr(check, '__name__', 'check')}: {exc}")
        if failures:
            return JSONResponse(
                error_body("not_ready", "dependencies are not ready", failures), status_code=503
            )
        return JSONResponse({"status": "ready", "service": service})

    @router.get("/metrics")
    async def metrics() -> Response:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def create_app(
    *,
    service: str,
    title: str,
    readiness_checks: Sequence[ReadinessCheck],
    routers: Sequence[APIRouter] = (),
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
) -> FastAPI:
    """`on_shutdown` runs when the server stops (e.g. disposing the database engine)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            await on_shutdown()

    app = FastAPI(
        title=title, docs_url="/api/docs", openapi_url="/api/openapi.json", lifespan=lifespan
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def _correlate(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
        token = correlation_id.set(request_id)
        try:
            response = await call_next(request)
        finally:
            correlation_id.reset(token)
        response.headers["x-request-id"] = request_id
        HTTP_REQUESTS.labels(service, request.method, str(response.status_code)).inc()
        return response

    app.include_router(ops_router(service, readiness_checks))
    for router in routers:
        app.include_router(router)
    return app

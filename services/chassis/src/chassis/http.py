"""HTTP: app factory with health, readiness, metrics, correlation ids and uniform error bodies.

Every error a client gets looks the same:
`{"error": {"code": "not_found", "message": "...", "details": [...]}}`, and every OpenAPI
document says so: `refusals(404, 409)` documents an operation's own refusals, and the app
documents the ones every operation has (400 and 413 from `InputGuard`, 422 from validation).
"""

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import parse_qsl, unquote_to_bytes

from fastapi import APIRouter, FastAPI, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from pydantic import BaseModel, BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chassis.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RapportError,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from chassis.i18n import N_, LanguageMiddleware, _
from chassis.logging import correlation_id

# PostgreSQL `integer`, the type of every numeric id and version a path names.
INT4_MAX = 2**31 - 1
IntId = Annotated[int, Path(ge=1, le=INT4_MAX, description="a positive 32-bit id")]
# Far above any form or JSON document the services take; a larger body is refused as soon as
# that much has arrived.
MAX_BODY_BYTES = 1024 * 1024

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
    Unauthorized: 401,
    NotFound: 404,
    Conflict: 409,
    Forbidden: 403,
    TooLarge: 413,
    Unavailable: 503,
}


def error_body(code: str, message: str, details: Sequence[Any] = ()) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": list(details)}}


class ProblemOut(BaseModel):
    field: str
    message: str


class ErrorOut(BaseModel):
    code: str
    message: str
    details: list[ProblemOut]


class ErrorBody(BaseModel):
    """The body of every refusal (`error_body`), as the OpenAPI documents describe it."""

    error: ErrorOut


_REFUSAL_DESCRIPTIONS = {
    400: "Bad request: text that is not UTF-8, a body that does not parse",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The body is larger than 1 MiB",
    422: "Invalid input: each problem names its field (text PostgreSQL cannot store, a NUL "
    "character or a lone surrogate, included)",
}


def refusals(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` of a route: each status documented with the error body, e.g.
    `@router.post(..., responses=refusals(404, 409))`."""
    return {
        status: {"model": ErrorBody, "description": _REFUSAL_DESCRIPTIONS.get(status, "Refused")}
        for status in statuses
    }


def status_of(error: RapportError) -> int:
    """The HTTP status of a refusal: its kind's (a subclass counts as its kind), else 400."""
    return next(
        (status for kind, status in _STATUS_OF_KIND.items() if isinstance(error, kind)), 400
    )


def _refusal_body(error: RapportError) -> dict[str, Any]:
    details = [{"field": p.field, "message": p.message} for p in error.details]
    return error_body(error.code, error.message, details)


def parse_form(body: bytes) -> dict[str, str]:
    """An urlencoded form body, strict UTF-8 (raw or %-escaped); the last value wins for
    repeated names. Bytes that are not UTF-8 are the client's error: a 400, not a guess."""
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise RapportError("the form body is not valid UTF-8", code="bad_encoding") from None


# Pydantic's messages of the commonest refusals, by error type, in the request's language; in
# English, and for the others (which carry limits or choices in their text), pydantic's own.
_VALIDATION_MESSAGES = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "int_parsing": N_("Input should be a valid integer"),
    "int_type": N_("Input should be a valid integer"),
    "decimal_parsing": N_("Input should be a valid decimal"),
    "bool_parsing": N_("Input should be a valid boolean"),
    "date_from_datetime_parsing": N_("Input should be a valid date"),
    "date_parsing": N_("Input should be a valid date"),
    "datetime_parsing": N_("Input should be a valid datetime"),
    "datetime_from_date_parsing": N_("Input should be a valid datetime"),
    "json_invalid": N_("Invalid JSON"),
    "model_attributes_type": N_("Input should be a valid object"),
    "dict_type": N_("Input should be a valid object"),
    "list_type": N_("Input should be a valid list"),
}
# Starlette's own refusals (an unknown path, a method the path does not take).
_HTTP_MESSAGES = {
    "Not Found": N_("Not Found"),
    "Method Not Allowed": N_("Method Not Allowed"),
}


def _validation_message(error: Mapping[str, Any]) -> str:
    english = _VALIDATION_MESSAGES.get(error["type"])
    translated = _(english) if english is not None else None
    return translated if translated is not None and translated != english else str(error["msg"])


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {
            "field": ".".join(str(part) for part in error["loc"]),
            "message": _validation_message(error),
        }
        for error in exc.errors()
    ]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RapportError)
    async def _refused(_request: Request, exc: RapportError) -> JSONResponse:
        # RFC 6750: a 401 names the scheme the client should authenticate with.
        headers = (
            {"WWW-Authenticate": 'Bearer realm="rapport"'}
            if isinstance(exc, Unauthorized)
            else None
        )
        return JSONResponse(_refusal_body(exc), status_code=status_of(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details[:5])
        return JSONResponse(
            error_body(
                "invalid_input", _("invalid input: %(problems)s") % {"problems": summary}, details
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        detail = str(exc.detail)
        message = _(_HTTP_MESSAGES[detail]) if detail in _HTTP_MESSAGES else detail
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=headers)


def _json_integer(value: object) -> object:
    """A JSON integer only: no `true`, no `"2"`; `2.0` is one, as JSON Schema says."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("an integer")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# An integer field of a request as JSON Schema's `integer`, in every service's API. Bounds go on
# the field or inside (`Annotated[int, Field(ge=1), JSON_INTEGER]`): after it they would reach
# the document as unknown keywords.
JSON_INTEGER = BeforeValidator(_json_integer)


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def _allowed_methods(request: Request) -> str:
    """Every method some route takes on the request's path. FastAPI's own 405 names only the
    first matching route's, and it makes one route per method."""
    routes = request.app.router.routes
    return ", ".join(
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    )


# A string the API takes never holds a NUL: `InputGuard` refuses it in the path, the query and
# a JSON body alike, so every string of the document says so.
NO_NUL_PATTERN = "^[^\\u0000]*$"
_CHOSEN_STRINGS = ("enum", "const", "format", "pattern")


def _refuse_nul(schema: Any) -> None:
    """Add NO_NUL_PATTERN to every free-text string schema in `schema`, and to the property
    names of every object (a mapping's keys are strings the guard checks too), in place."""
    pending = [schema]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, dict):
            if value.get("type") == "string" and not any(k in value for k in _CHOSEN_STRINGS):
                value["pattern"] = NO_NUL_PATTERN
            if value.get("type") == "object" and "propertyNames" not in value:
                value["propertyNames"] = {"pattern": NO_NUL_PATTERN}
            pending.extend(value.values())


def _document_refusals(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document with what every operation may answer: 400, 413 and 422
    (text PostgreSQL cannot store) from `InputGuard`, every 422 with the error body (FastAPI's
    default names another shape), and no NUL in any string. Built once, as FastAPI's own."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    document = get_openapi(title=app.title, version=app.version, routes=app.routes)
    components = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs"))
    components["ErrorBody"] = error_schema
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    refused = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for operation in (op for path in document.get("paths", {}).values() for op in path.values()):
        responses = operation.setdefault("responses", {})
        for status in (400, 413):
            responses.setdefault(
                str(status), {"description": _REFUSAL_DESCRIPTIONS[status], "content": refused}
            )
        responses["422"] = {"description": _REFUSAL_DESCRIPTIONS[422], "content": refused}
        _refuse_nul(operation.get("parameters", []))
        _refuse_nul(operation.get("requestBody", {}))
    _refuse_nul(components)
    app.openapi_schema = document
    return document


class InputProblem(Exception):
    """Request input no handler can take: not UTF-8, a NUL character, too large or too deep."""

    def __init__(self, status: int, code: str, where: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.where = where
        self.message = message


def _check_text(raw: bytes, where: str) -> None:
    """Percent-decoded `raw` must be strict UTF-8 without NUL (PostgreSQL text refuses both)."""
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        raise InputProblem(
            400, "bad_encoding", where, _("the %(part)s is not valid UTF-8") % {"part": _(where)}
        ) from None
    if "\x00" in text:
        raise InputProblem(
            422,
            "invalid_input",
            where,
            _("the %(part)s contains a NUL character") % {"part": _(where)},
        )


def _check_json(body: bytes) -> None:
    """Strings of a JSON body must be storable: no NUL, no lone surrogate from a `\\ud800`
    escape. Malformed JSON is left to FastAPI, which answers it with a 422."""
    try:
        document = json.loads(body)
    except RecursionError:
        raise InputProblem(
            400, "bad_request", "body", _("the JSON body is nested too deeply")
        ) from None
    except ValueError:
        return
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise InputProblem(
                    422, "invalid_input", "body", _("a string contains a NUL character")
                )
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputProblem(
                    422, "invalid_input", "body", _("a string has a lone UTF-16 surrogate")
                ) from None


def _check_body(content_type: str, body: bytes) -> None:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        _check_text(body, N_("form body"))
    elif media_type == "application/json" or media_type.endswith("+json"):
        _check_json(body)


class InputGuard:
    """Refuses, before any route runs, input that would otherwise end in a 500: a path, query
    or form that is not strict UTF-8 (Starlette would replace or crash on the bad bytes), NUL
    characters and lone surrogates (PostgreSQL refuses them), and bodies over MAX_BODY_BYTES.
    The answer is the uniform error body with a 4xx."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            _check_text(raw_path.split(b"?", 1)[0], N_("path"))
            _check_text(scope.get("query_string", b""), N_("query"))
            body = await self._read_body(scope, receive)
            headers = dict(scope.get("headers", ()))
            _check_body(headers.get(b"content-type", b"").decode("latin-1"), body)
        except InputProblem as problem:
            response = JSONResponse(
                error_body(
                    problem.code,
                    problem.message,
                    [{"field": problem.where, "message": problem.message}],
                ),
                status_code=problem.status,
            )
            await response(scope, receive, send)
            return
        await self.app(scope, self._replay(body, receive), send)

    @staticmethod
    async def _read_body(scope: Scope, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise InputProblem(
                    413,
                    "too_large",
                    "body",
                    _("the body is larger than %(limit)d bytes") % {"limit": MAX_BODY_BYTES},
                )
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    @staticmethod
    def _replay(body: bytes, receive: Receive) -> Receive:
        """The body already read, once; then whatever the server sends (e.g. a disconnect)."""
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return replay


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
    app.openapi = lambda: _document_refusals(app)  # type: ignore[method-assign]
    install_error_handlers(app)
    # Added before the correlation middleware, so wrapped by it: refusals are
    # counted and carry a request id too.
    app.add_middleware(InputGuard)
    app.add_middleware(LanguageMiddleware)

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

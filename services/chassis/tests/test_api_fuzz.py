"""The API fuzzer fails on what its checks forbid and passes what the document states, run on a
small app in-process (schemathesis' ASGI transport)."""

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import pytest
import schemathesis
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field

from chassis.errors import InvalidInput, NotFound
from chassis.http import create_app, refusals
from chassis.testing.api_fuzz import (
    CONFORMANCE_CHECKS,
    SERVER_ERRORS_ONLY,
    Check,
    fuzz_document,
)

NOTE = "/api/v1/notes/{note_id}"


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    text: str = Field(min_length=1, max_length=20)


def notes_app(*, documented: bool) -> FastAPI:
    """GET answers 404 (documented or not); POST refuses every note with a domain 422."""
    router = APIRouter()

    @router.get(NOTE, responses=refusals(404) if documented else None)
    async def get_note(note_id: str) -> dict[str, str]:
        raise NotFound(f"no note {note_id!r}")

    @router.post("/api/v1/notes", status_code=201, responses=refusals(422))
    async def post_note(body: NoteIn) -> dict[str, str]:
        raise InvalidInput("notes are closed today")

    return create_app(service="test", title="test", readiness_checks=[], routers=[router])


def fuzz(
    app: FastAPI,
    *,
    checks: Sequence[Check] = CONFORMANCE_CHECKS,
    rules_beyond_the_schema: Mapping[str, str] = MappingProxyType({}),
) -> None:
    fuzz_document(
        schemathesis.openapi.from_asgi("/api/openapi.json", app),
        at_least=2,
        checks=checks,
        rules_beyond_the_schema=rules_beyond_the_schema,
    )


CLOSED = {"POST /api/v1/notes": "notes are closed today"}


def test_an_undocumented_status_fails() -> None:
    with pytest.raises(AssertionError, match=f"GET {NOTE}: Undocumented status code"):
        fuzz(notes_app(documented=False), rules_beyond_the_schema=CLOSED)


def test_a_schema_valid_request_refused_with_422_fails() -> None:
    with pytest.raises(AssertionError, match="POST /api/v1/notes: Schema-valid request rejected"):
        fuzz(notes_app(documented=True))


def test_a_documented_api_with_its_rules_beyond_the_schema_passes() -> None:
    fuzz(notes_app(documented=True), rules_beyond_the_schema=CLOSED)


def test_a_rule_for_an_operation_the_document_lacks_is_a_mistake() -> None:
    with pytest.raises(AssertionError, match="names no operation"):
        fuzz(notes_app(documented=True), rules_beyond_the_schema={"PUT /api/v1/notes": "none"})


def test_server_errors_only_ignores_the_document() -> None:
    fuzz(notes_app(documented=False), checks=SERVER_ERRORS_ONLY)

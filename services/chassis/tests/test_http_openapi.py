"""What every service's app answers and documents beyond its routes: a 405 names the allowed
methods, and the OpenAPI document gives every refusal the error body and every string its
no-NUL pattern."""

from typing import Any, Literal

import httpx
from fastapi import APIRouter
from pydantic import BaseModel, Field

from chassis.errors import NotFound
from chassis.http import NO_NUL_PATTERN, create_app, refusals


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=200)
    kind: Literal["call", "visit"]
    code: str = Field(pattern=r"^[A-Z]{3}$")


def notes_router() -> APIRouter:
    router = APIRouter(prefix="/notes")

    @router.get("/{note_id}", responses=refusals(404))
    async def get_note(note_id: str) -> dict[str, str]:
        raise NotFound(f"no note {note_id!r}")

    @router.put("/{note_id}", responses=refusals(404, 409))
    async def put_note(note_id: str, body: NoteIn) -> dict[str, str]:
        return {"id": note_id}

    @router.get("")
    async def list_notes() -> list[str]:
        return []

    return router


def app_under_test() -> Any:
    return create_app(service="test", title="test", readiness_checks=[], routers=[notes_router()])


async def call(method: str, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app_under_test())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path)


async def test_a_405_lists_every_method_of_the_path_with_the_error_body() -> None:
    response = await call("DELETE", "/notes/n-1")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PUT"
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_a_405_on_a_path_of_one_method_names_that_method() -> None:
    response = await call("POST", "/notes")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def error_schema_of(document: dict[str, Any], path: str, method: str, status: str) -> Any:
    response = document["paths"][path][method]["responses"][status]
    return response["content"]["application/json"]["schema"]


def test_refusals_document_the_error_body_for_each_status() -> None:
    document = app_under_test().openapi()
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    assert error_schema_of(document, "/notes/{note_id}", "get", "404") == error_body
    for status in ("404", "409", "422"):
        assert error_schema_of(document, "/notes/{note_id}", "put", status) == error_body
    schemas = document["components"]["schemas"]
    assert schemas["ErrorBody"]["required"] == ["error"]
    assert set(schemas["ErrorOut"]["required"]) == {"code", "message", "details"}
    assert "HTTPValidationError" not in schemas


def test_every_operation_documents_the_input_guards_400_413_and_422() -> None:
    document = app_under_test().openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert {"400", "413", "422"} <= set(operation["responses"]), (method, path)


def test_a_nul_in_the_query_of_an_operation_without_parameters_is_a_documented_422() -> None:
    document = app_under_test().openapi()
    refused = document["paths"]["/notes"]["get"]["responses"]["422"]
    assert refused["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }


def test_free_text_strings_refuse_nul_and_chosen_ones_keep_their_rule() -> None:
    document = app_under_test().openapi()
    note = document["components"]["schemas"]["NoteIn"]["properties"]
    assert note["text"]["pattern"] == NO_NUL_PATTERN
    assert note["text"]["maxLength"] == 200
    assert "pattern" not in note["kind"]
    assert note["code"]["pattern"] == "^[A-Z]{3}$"
    parameter = document["paths"]["/notes/{note_id}"]["get"]["parameters"][0]
    assert parameter["schema"]["pattern"] == NO_NUL_PATTERN

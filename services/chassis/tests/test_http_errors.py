"""Every refusal a service raises becomes one uniform error body with its kind's status."""

from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from chassis import errors
from chassis.http import create_app, status_of


class AlreadyClosed(errors.Conflict):
    code = "already_closed"


REFUSALS: dict[str, errors.RapportError] = {
    "invalid": errors.invalid([errors.Problem("contacts.0.email", "not an e-mail")], "card"),
    "not-found": errors.NotFound("no ticket 'T-1'"),
    "conflict": errors.Conflict("the card changed meanwhile", code="stale_card"),
    "forbidden": errors.Forbidden("only an admin may publish a policy"),
    "too-large": errors.TooLarge("an export holds at most 10000 rows"),
    "unauthorized": errors.Unauthorized("the token has expired"),
    "unavailable": errors.Unavailable("the identity provider does not answer"),
    "subclass": AlreadyClosed("the ticket is closed"),
    "base": errors.RapportError("no"),
}


def refusing_router() -> APIRouter:
    router = APIRouter()

    @router.get("/refuse/{name}")
    async def refuse(name: str) -> None:
        raise REFUSALS[name]

    return router


async def answer(name: str) -> tuple[int, dict[str, Any]]:
    app = create_app(service="test", title="test", readiness_checks=[], routers=[refusing_router()])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get(f"/refuse/{name}")
    return response.status_code, response.json()


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("not-found", 404, "not_found"),
        ("conflict", 409, "stale_card"),
        ("forbidden", 403, "forbidden"),
        ("too-large", 413, "too_large"),
        ("unauthorized", 401, "unauthorized"),
        ("unavailable", 503, "unavailable"),
        ("subclass", 409, "already_closed"),
        ("base", 400, "refused"),
    ],
)
async def test_each_kind_answers_with_its_status_and_code(
    name: str, status: int, code: str
) -> None:
    got_status, body = await answer(name)
    assert got_status == status
    assert body == {"error": {"code": code, "message": str(REFUSALS[name]), "details": []}}


async def test_invalid_input_lists_each_problem_as_field_and_message() -> None:
    status, body = await answer("invalid")
    assert status == 422
    assert body == {
        "error": {
            "code": "invalid_input",
            "message": "invalid card: contacts.0.email: not an e-mail",
            "details": [{"field": "contacts.0.email", "message": "not an e-mail"}],
        }
    }


def test_status_of_is_the_same_for_pages_as_for_the_api() -> None:
    assert [status_of(error) for error in REFUSALS.values()] == [
        422,
        404,
        409,
        403,
        413,
        401,
        503,
        409,
        400,
    ]

"""Input bounds of the complaints API and pages: a policy target, page, id, list or body out of
range is a 4xx with the uniform error body, and tickets keep opening afterwards."""

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ActingByRoute, new_ticket

pytestmark = pytest.mark.integration

RULES = [
    {
        "name": "base",
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
        },
    }
]


@pytest.fixture
async def api(
    complaints: Complaints, activate_policy: Any, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    await activate_policy(RULES)
    transport = httpx.ASGITransport(app=create(complaints))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://complaints", auth=ActingByRoute(keycloak)
    ) as client:
        yield client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def policy(respond: dict[str, Any]) -> dict[str, Any]:
    return {"rules": [{"name": "base", "targets": {"respond": respond}}]}


@pytest.mark.parametrize(
    "respond",
    [
        {"amount": 3_000_000, "unit": "days"},
        {"amount": 366, "unit": "days"},
        {"amount": 8761, "unit": "hours"},
        {"amount": 365 * 86400 + 1, "unit": "seconds"},
        {"amount": 261, "unit": "working_days", "calendar": "default"},
        {"amount": 10**30, "unit": "minutes"},
    ],
)
async def test_a_target_beyond_a_year_is_422_and_tickets_still_open(
    api: httpx.AsyncClient, new_account: Any, respond: dict[str, Any]
) -> None:
    before = (await api.get("/api/v1/complaints/policies")).json()
    error = error_of(await api.post("/api/v1/complaints/policies", json=policy(respond)), 422)
    assert error["code"] == "invalid_input"
    assert any("respond" in detail["field"] for detail in error["details"])
    assert (await api.get("/api/v1/complaints/policies")).json() == before
    opened = await api.post("/api/v1/complaints/tickets", json=new_ticket(await new_account()))
    assert opened.status_code == 201, opened.text


async def test_a_target_of_a_year_is_taken_and_its_tickets_open(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    published = await api.post(
        "/api/v1/complaints/policies", json=policy({"amount": 365, "unit": "days"})
    )
    assert published.status_code == 201, published.text
    opened = await api.post("/api/v1/complaints/tickets", json=new_ticket(await new_account()))
    assert opened.status_code == 201, opened.text
    respond = next(clock for clock in opened.json()["clocks"] if clock["clock"] == "respond")
    assert respond["budget_seconds"] == 365 * 86400


async def test_the_policies_page_refuses_a_target_beyond_a_year(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    document = {"rules": [{"targets": {"respond": {"amount": 3_000_000, "unit": "days"}}}]}
    saved = await api.post("/complaints/admin/policies", data={"document": json.dumps(document)})
    assert saved.status_code == 422 and "out of bounds" in saved.text
    opened = await api.post("/api/v1/complaints/tickets", json=new_ticket(await new_account()))
    assert opened.status_code == 201, opened.text


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=10001", "page"), ("page=99999999999999999999", "page"), ("page_size=501", "page_size")],
)
async def test_a_page_beyond_the_bound_is_422(
    api: httpx.AsyncClient, query: str, field: str
) -> None:
    error = error_of(await api.get(f"/api/v1/complaints/tickets?{query}"), 422)
    assert any(detail["field"].endswith(field) for detail in error["details"])


@pytest.mark.parametrize("version", ["2147483648", "99999999999999999999", "0"])
async def test_a_policy_version_beyond_postgres_integer_is_422(
    api: httpx.AsyncClient, version: str
) -> None:
    response = await api.post(f"/api/v1/complaints/policies/{version}/activate", json={})
    assert error_of(response, 422)["code"] == "invalid_input"


async def test_the_largest_policy_version_is_an_ordinary_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/complaints/policies/2147483647/activate", json={})
    assert response.status_code == 404, response.text


@pytest.mark.parametrize(
    "order_refs",
    [[f"SO-{n}" for n in range(51)], ["SO-" + "9" * 62], [""]],
)
async def test_order_refs_beyond_the_bound_are_422(
    api: httpx.AsyncClient, new_account: Any, order_refs: list[str]
) -> None:
    response = await api.post(
        "/api/v1/complaints/tickets", json=new_ticket(await new_account(), order_refs=order_refs)
    )
    assert any("order_refs" in d["field"] for d in error_of(response, 422)["details"])


async def test_the_most_order_refs_allowed_make_a_ticket(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    refs = [f"SO-{n:061d}" for n in range(50)]
    response = await api.post(
        "/api/v1/complaints/tickets", json=new_ticket(await new_account(), order_refs=refs)
    )
    assert response.status_code == 201, response.text
    assert response.json()["order_refs"] == refs


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"account_id=\xff&contact=x", 400),
        (b"account_id=%C3%28&contact=x", 400),
        (b"contact=%00", 422),
    ],
)
async def test_a_bad_form_is_refused_and_opens_nothing(
    api: httpx.AsyncClient, body: bytes, status: int
) -> None:
    before = (await api.get("/api/v1/complaints/tickets")).json()["total"]
    response = await api.post(
        "/complaints/new",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert error_of(response, status)["code"] in {"bad_encoding", "invalid_input"}
    assert (await api.get("/api/v1/complaints/tickets")).json()["total"] == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("contact", "x" * 301),
        ("account_id", "C" * 65),
        ("order_refs", " ".join(f"SO-{n}" for n in range(51))),
    ],
)
async def test_a_page_form_past_the_api_bounds_is_422(
    api: httpx.AsyncClient, new_account: Any, field: str, value: str
) -> None:
    form = {"account_id": await new_account(), "contact": "Ms Li", "severity": "2", field: value}
    response = await api.post("/complaints/new", data=form)
    assert error_of(response, 422)["details"][0]["field"] == field


async def test_a_form_without_content_type_is_still_decoded_strictly(
    api: httpx.AsyncClient,
) -> None:
    response = await api.post("/complaints/new", content=b"account_id=\xff")
    assert error_of(response, 400)["code"] == "bad_encoding"


async def test_a_query_that_is_not_utf8_is_400(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/complaints/tickets?account_id=%FF")
    assert error_of(response, 400)["code"] == "bad_encoding"
    assert error_of(await api.get("/complaints/?account_id=%FF"), 400)["code"] == "bad_encoding"


@pytest.mark.parametrize(
    "raw",
    [
        '"description": "late\\u0000"',
        '"description": "late \\ud800"',
    ],
)
async def test_json_strings_the_database_cannot_store_are_422(
    api: httpx.AsyncClient, new_account: Any, raw: str
) -> None:
    body = json.dumps(new_ticket(await new_account(), description="x"))
    body = body.replace('"description": "x"', raw)
    response = await api.post(
        "/api/v1/complaints/tickets", content=body, headers={"content-type": "application/json"}
    )
    assert error_of(response, 422)["code"] == "invalid_input"


async def test_a_deeply_nested_body_is_400(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/api/v1/complaints/standard-answers",
        content=b"[" * 100_000 + b"]" * 100_000,
        headers={"content-type": "application/json"},
    )
    assert error_of(response, 400)["code"] == "bad_request"


async def test_a_body_over_a_mebibyte_is_413(api: httpx.AsyncClient, new_account: Any) -> None:
    body = new_ticket(await new_account(), description="x" * (1024 * 1024))
    response = await api.post("/api/v1/complaints/tickets", json=body)
    assert error_of(response, 413)["code"] == "too_large"


async def test_a_nul_in_the_path_is_422(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/v1/complaints/tickets/T%00")
    assert error_of(response, 422)["code"] == "invalid_input"

"""Input bounds of the accounts API and pages: out-of-range numbers, ids and bytes are a 4xx
with the uniform error body, and search matches `%`, `_` and `\\` literally."""

from typing import Any

import httpx
import pytest

from chassis.testing import unique

pytestmark = pytest.mark.integration


@pytest.fixture
def client(accounts_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API and pages as AM-01 (tier policies as the admin)."""
    return accounts_client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


async def test_search_matches_like_wildcards_literally(client: httpx.AsyncClient) -> None:
    tag = unique("Like")
    names = [f"{tag} 100% Pure", f"{tag} 100X Pure", f"{tag} a_b", f"{tag} axb", f"{tag} c\\d"]
    for name in names:
        created = await client.post("/api/v1/accounts", json={"name": name})
        assert created.status_code == 201, created.text

    async def found(q: str) -> list[str]:
        page = (await client.get("/api/v1/accounts", params={"q": q, "page_size": 50})).json()
        return sorted(item["name"] for item in page["items"])

    assert await found(tag) == sorted(names)
    assert await found(f"{tag} 100%") == [f"{tag} 100% Pure"]
    assert await found(f"{tag} a_b") == [f"{tag} a_b"]
    assert await found(f"{tag} c\\d") == [f"{tag} c\\d"]
    # As a wildcard, `%` alone would also match "100X Pure".
    assert [name for name in await found("% Pure") if name.startswith(tag)] == [names[0]]


@pytest.mark.parametrize("page", ["10001", "99999999999999999999"])
async def test_a_page_beyond_the_bound_is_422(client: httpx.AsyncClient, page: str) -> None:
    error = error_of(await client.get("/api/v1/accounts", params={"page": page}), 422)
    assert error["code"] == "invalid_input"
    assert any(detail["field"].endswith("page") for detail in error["details"])


async def test_the_last_page_allowed_answers_empty(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts", params={"page": 10000, "page_size": 500})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/tier-policies/2147483648",
        "/api/v1/accounts/tier-policies/99999999999999999999",
        "/api/v1/accounts/evaluation-reports/2147483648",
        "/accounts/policies/2147483648",
    ],
)
async def test_an_id_beyond_postgres_integer_is_422(client: httpx.AsyncClient, path: str) -> None:
    assert error_of(await client.get(path), 422)["code"] == "invalid_input"


async def test_the_largest_integer_id_is_an_ordinary_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts/tier-policies/2147483647")
    assert error_of(response, 404)["code"] == "policy_not_found"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value_high", "1e30"),
        ("value_high", "NaN"),
        ("abc_a_share", "Infinity"),
        ("frequency_high", 10**12),
        ("grade_a", "1000"),
    ],
)
async def test_tier_policy_amounts_out_of_bounds_are_422(
    client: httpx.AsyncClient, field: str, value: object
) -> None:
    active = (await client.get("/api/v1/accounts/tier-policies")).json()[0]
    draft = {**active["policy"], field: value}
    response = await client.post("/api/v1/accounts/tier-policies", json={"policy": draft})
    error = error_of(response, 422)
    assert any(detail["field"].endswith(field) for detail in error["details"])


@pytest.mark.parametrize("body", [b"name=\xff\xfe", b"name=%FF%FE"])
async def test_a_form_that_is_not_utf8_is_400(client: httpx.AsyncClient, body: bytes) -> None:
    response = await client.post(
        "/accounts/new",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert error_of(response, 400)["code"] == "bad_encoding"


async def test_a_query_that_is_not_utf8_is_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts?q=%FF")
    assert error_of(response, 400)["code"] == "bad_encoding"


async def test_an_empty_referrer_is_422_not_a_missing_account(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/accounts", json={"name": unique("Prospect"), "referred_by": ""}
    )
    assert any(d["field"].endswith("referred_by") for d in error_of(response, 422)["details"])


async def test_a_nul_character_is_422(client: httpx.AsyncClient) -> None:
    named = await client.post("/api/v1/accounts", json={"name": "a\u0000b"})
    assert error_of(named, 422)["code"] == "invalid_input"
    assert error_of(await client.get("/api/v1/accounts/C%00X"), 422)["code"] == "invalid_input"

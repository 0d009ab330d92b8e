"""The accounts API does what its OpenAPI document says: each operation documents its refusals
with the error body, a report period and a policy's decimals are stated as patterns, and what
the patterns allow is taken while what they refuse is a 422 naming the field."""

from typing import Any

import httpx
import pytest

from accounts.domain.tier_policy import TierPolicy, policy_to_document
from accounts_fixtures import ADMIN, MANAGER, SUPERVISOR
from chassis.testing import Keycloak, ServiceProcess, unique

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/accounts"


@pytest.fixture
def client(accounts_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API as AM-01; the admin's and the supervisor's operations pass their own token."""
    return accounts_client


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def statuses(document: dict[str, Any], method: str, path: str) -> set[str]:
    return set(document["paths"][f"{PREFIX}{path}"][method]["responses"])


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


def a_policy() -> dict[str, Any]:
    """The default policy written as GET returns a version's."""
    return policy_to_document(TierPolicy())


async def test_each_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    # Every operation needs a signed-in principal (401) with the role it names (403).
    assert statuses(document, "get", "/{account_id}") == {
        "200", "400", "401", "403", "404", "413", "422"
    }  # fmt: skip
    assert statuses(document, "put", "/{account_id}/card") == {
        "200", "400", "401", "403", "404", "409", "413", "422"
    }  # fmt: skip
    assert statuses(document, "post", "/evaluation-reports/{report_id}/review") >= {
        "204", "403", "404", "409"
    }  # fmt: skip
    assert statuses(document, "post", "/tier-policies/{version}/activate") >= {
        "200", "403", "404", "409"
    }  # fmt: skip
    assert statuses(document, "post", "/vip-nominations/{nomination_id}/reject") >= {
        "403", "404", "409", "422"
    }  # fmt: skip
    assert statuses(document, "get", "/vip-candidates") == {
        "200", "400", "401", "403", "413", "422"
    }  # fmt: skip


async def test_every_refusal_is_documented_with_the_error_body(document: dict[str, Any]) -> None:
    schemas = [
        response["content"]["application/json"]["schema"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status.startswith("4")
    ]
    assert schemas
    assert all(schema == {"$ref": "#/components/schemas/ErrorBody"} for schema in schemas)


@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/NO-SUCH-ACCOUNT/card/history", MANAGER),
        ("/evaluation-reports/2147483647", MANAGER),
        ("/tier-policies/2147483647", ADMIN),
    ],
)
async def test_a_record_that_does_not_exist_is_a_documented_404(
    client: httpx.AsyncClient, keycloak: Keycloak, path: str, user: str
) -> None:
    error_of(await client.get(f"{PREFIX}{path}", headers=keycloak.bearer(user)), 404)


@pytest.mark.parametrize("user", [MANAGER, SUPERVISOR])
async def test_a_policy_activated_by_someone_but_the_admin_is_a_documented_403(
    client: httpx.AsyncClient, keycloak: Keycloak, user: str
) -> None:
    response = await client.post(
        f"{PREFIX}/tier-policies/1/activate", headers=keycloak.bearer(user)
    )
    assert error_of(response, 403)["code"] == "forbidden"


async def test_a_missing_or_malformed_token_is_a_documented_401(
    accounts_api: ServiceProcess,
) -> None:
    async with httpx.AsyncClient(base_url=accounts_api.base_url) as anonymous:
        for headers in ({}, {"Authorization": "Bearer not-a-token"}):
            response = await anonymous.get(f"{PREFIX}/NO-SUCH-ACCOUNT", headers=headers)
            assert error_of(response, 401)["code"] == "unauthorized"
            assert response.headers["www-authenticate"].startswith("Bearer")


async def test_an_expired_token_is_a_401(accounts_api: ServiceProcess, keycloak: Keycloak) -> None:
    token = await keycloak.expired_access_token(MANAGER)
    async with httpx.AsyncClient(base_url=accounts_api.base_url) as http:
        response = await http.get(PREFIX, headers={"Authorization": f"Bearer {token}"})
    assert "expired" in error_of(response, 401)["message"]


async def test_a_token_for_another_audience_is_a_401(
    accounts_api: ServiceProcess, keycloak: Keycloak
) -> None:
    # The realm's ID token is correctly signed but meant for the client, not for Rapport.
    id_token = keycloak.password_tokens(MANAGER)["id_token"]
    async with httpx.AsyncClient(base_url=accounts_api.base_url) as http:
        response = await http.get(PREFIX, headers={"Authorization": f"Bearer {id_token}"})
    assert "not meant for this system" in error_of(response, 401)["message"]


@pytest.mark.parametrize("period", ["", "2026-Q5", "26-Q1", "1899", "3000-Q1", " 2025"])
async def test_a_period_the_pattern_refuses_is_422_naming_it(
    client: httpx.AsyncClient, keycloak: Keycloak, period: str
) -> None:
    response = await client.post(
        f"{PREFIX}/evaluation-reports", json={"period": period}, headers=keycloak.bearer(SUPERVISOR)
    )
    details = error_of(response, 422)["details"]
    assert [detail["field"] for detail in details] == ["body.period"]


async def test_a_period_the_pattern_allows_is_not_refused_as_input(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    # The year has not ended: a 409 from the domain, not a 422 for the input.
    response = await client.post(
        f"{PREFIX}/evaluation-reports",
        json={"period": "2999-H2"},
        headers=keycloak.bearer(SUPERVISOR),
    )
    assert error_of(response, 409)["code"] == "period_not_ended"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("value_high", ""),
        ("value_high", "500000.001"),
        ("value_high", 500000),
        ("abc_a_share", "1.5"),
        ("abc_a_share", 0.8),
        ("grade_a", "080"),
        ("complaint_rate_zero", "1e-1"),
    ],
)
async def test_a_policy_decimal_the_pattern_refuses_is_422_naming_it(
    client: httpx.AsyncClient, keycloak: Keycloak, field: str, value: object
) -> None:
    draft = {**a_policy(), field: value}
    response = await client.post(
        f"{PREFIX}/tier-policies", json={"policy": draft}, headers=keycloak.bearer(ADMIN)
    )
    details = error_of(response, 422)["details"]
    assert [detail["field"] for detail in details] == [f"body.policy.{field}"]


async def test_a_policy_written_as_get_returns_it_is_stored(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    draft = {**a_policy(), "value_high": "650000.50", "abc_margin": "0.025"}
    response = await client.post(
        f"{PREFIX}/tier-policies",
        json={"policy": draft, "note": unique("doc")},
        headers=keycloak.bearer(ADMIN),
    )
    assert response.status_code == 201, response.text
    stored = response.json()["policy"]
    assert (stored["value_high"], stored["abc_margin"]) == ("650000.50", "0.025")


async def test_a_referrer_that_does_not_exist_is_the_stated_422(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        PREFIX, json={"name": unique("Referred"), "referred_by": unique("GONE")}
    )
    details = error_of(response, 422)["details"]
    assert [detail["field"] for detail in details] == ["referred_by"]

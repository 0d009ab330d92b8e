"""The reporting API does what its OpenAPI document says: every operation documents its 404
with the error body, the period, scope and as_of rules are stated as patterns, and what the
patterns allow is taken while what they refuse is a 422 naming the parameter."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak, ServiceProcess
from reporting.api.dependencies import AS_OF_PATTERN, PERIOD_PATTERN, SCOPE_PATTERN
from reporting_fixtures import ADMIN

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/reporting"
OPERATIONS = ["/kpis", "/composition", "/figures/{name}", "/figures/{name}/events"]


@pytest.fixture
async def client(
    reporting_api: ServiceProcess, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    """The API as the admin, who reads every scope."""
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, timeout=30, headers=keycloak.bearer(ADMIN)
    ) as http:
        yield http


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    return error


@pytest.mark.parametrize("path", OPERATIONS)
async def test_each_operation_documents_its_refusals_with_the_error_body(
    document: dict[str, Any], path: str
) -> None:
    responses = document["paths"][f"{PREFIX}{path}"]["get"]["responses"]
    assert set(responses) == {"200", "400", "401", "403", "404", "413", "422"}
    refusals = [responses[status]["content"]["application/json"]["schema"] for status in responses]
    assert refusals[1:] == [{"$ref": "#/components/schemas/ErrorBody"}] * 6


def string_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The string branch of a parameter's schema (an optional one is `anyOf` string, null)."""
    found: dict[str, Any] = next(
        (one for one in schema.get("anyOf", [schema]) if one.get("type") == "string"), {}
    )
    return found


async def test_period_scope_and_as_of_state_their_patterns(document: dict[str, Any]) -> None:
    for path in OPERATIONS:
        parameters = {
            parameter["name"]: string_schema(parameter["schema"])
            for parameter in document["paths"][f"{PREFIX}{path}"]["get"]["parameters"]
        }
        assert parameters["period"]["pattern"] == PERIOD_PATTERN
        assert parameters["scope"]["pattern"] == SCOPE_PATTERN
        assert parameters["as_of"]["pattern"] == AS_OF_PATTERN


@pytest.mark.parametrize(
    "period",
    ["", "2024-02-29", "2026-W53", "2026-W01", "2026-11", "2026-Q4", "2026-H1", "1900", "2025"],
)
async def test_a_period_the_pattern_allows_is_answered(
    client: httpx.AsyncClient, period: str
) -> None:
    response = await client.get(f"{PREFIX}/kpis", params={"period": period, "as_of": "2026-01-05"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "period",
    ["2025-02-29", "2025-W53", "2026-W00", "2026-04-31", "2026-Q5", "2026-H3", "1899", "3000-Q1",
     "26-Q1", " 2025", "2026-1", "20261120"],
)  # fmt: skip
async def test_a_period_the_pattern_refuses_is_422_naming_it(
    client: httpx.AsyncClient, period: str
) -> None:
    details = error_of(await client.get(f"{PREFIX}/kpis", params={"period": period}), 422)[
        "details"
    ]
    assert [detail["field"] for detail in details] == ["query.period"]


@pytest.mark.parametrize("as_of", ["20251120", "2025-11-20T00:00", "2025-W47-1", "2025-13-01"])
async def test_an_as_of_that_is_not_a_day_is_422_naming_it(
    client: httpx.AsyncClient, as_of: str
) -> None:
    details = error_of(await client.get(f"{PREFIX}/kpis", params={"as_of": as_of}), 422)["details"]
    assert [detail["field"] for detail in details] == ["query.as_of"]


async def test_an_as_of_after_today_is_the_one_rule_beyond_the_schema(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get(f"{PREFIX}/kpis", params={"as_of": "2999-12-31"}), 422)
    assert error["code"] == "invalid_date"
    assert [detail["field"] for detail in error["details"]] == ["as_of"]


@pytest.mark.parametrize("scope", ["", "manager:", "team:", "Company", "region:east"])
async def test_a_scope_the_pattern_refuses_is_422_naming_it(
    client: httpx.AsyncClient, scope: str
) -> None:
    details = error_of(await client.get(f"{PREFIX}/kpis", params={"scope": scope}), 422)["details"]
    assert [detail["field"] for detail in details] == ["query.scope"]


@pytest.mark.parametrize(
    ("path", "params", "code"),
    [
        ("/kpis", {"scope": "team:nowhere"}, "team_not_found"),
        ("/composition", {"scope": "team:nowhere"}, "team_not_found"),
        ("/figures/happiness", {}, "figure_not_found"),
        ("/figures/happiness/events", {}, "figure_not_found"),
        ("/figures/sla_compliance/events", {"key": "no such clock"}, "row_not_found"),
    ],
)
async def test_what_does_not_exist_is_a_documented_404(
    client: httpx.AsyncClient, path: str, params: dict[str, str], code: str
) -> None:
    assert error_of(await client.get(f"{PREFIX}{path}", params=params), 404)["code"] == code

"""The JSON API: every figure with period, scope and as_of; a clear 4xx for a bad one;
documented in OpenAPI. Asked as the admin, who reads every scope (test_scopes: everyone else)."""

import httpx
import pytest

from chassis.testing import Keycloak, ServiceProcess
from reporting_fixtures import ADMIN

pytestmark = pytest.mark.integration


async def test_every_kpi_and_composition_figure_is_served_with_its_drill_down(
    reporting_api: ServiceProcess, keycloak: Keycloak
) -> None:
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, headers=keycloak.bearer(ADMIN)
    ) as client:
        kpis = await client.get(
            "/api/v1/reporting/kpis",
            params={"period": "2025-Q1", "scope": "team:east", "as_of": "2025-06-30"},
        )
        composition = await client.get(
            "/api/v1/reporting/composition", params={"period": "2025", "as_of": "2025-12-31"}
        )
        assert kpis.status_code == 200, kpis.text
        body = kpis.json()
        assert (body["period"], body["start"], body["end"]) == (
            "2025-Q1",
            "2025-01-01",
            "2025-04-01",
        )
        assert body["scope"] == "team:east"
        names = [figure["name"] for figure in body["figures"]]
        assert names == [
            "csat",
            "nps",
            "retention",
            "churn",
            "new_accounts",
            "repeat_purchase",
            "clv",
            "referral",
            "complaint_rate",
            "sla_compliance",
            "visits",
            "plan_completion",
            "follow_ups_on_time",
            "sales_vs_target",
        ]
        assert composition.status_code == 200, composition.text
        assert "revenue_by_category" in [f["name"] for f in composition.json()["figures"]]
        drill = await client.get(body["figures"][1]["events_url"])
        assert drill.status_code == 200
        assert drill.json()["figure"] == "nps"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        # What the document's patterns refuse is refused as input before the domain sees it.
        ({"period": "2026-13"}, 422, "invalid_input"),
        ({"period": "last month"}, 422, "invalid_input"),
        ({"scope": "region:east"}, 422, "invalid_input"),
        ({"scope": "team:nowhere"}, 404, "team_not_found"),
        ({"as_of": "2026-02-30"}, 422, "invalid_input"),
        ({"as_of": "2999-01-01"}, 422, "invalid_date"),
    ],
)
async def test_a_bad_period_scope_or_date_gets_a_4xx_with_the_error_body(
    reporting_api: ServiceProcess,
    keycloak: Keycloak,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, headers=keycloak.bearer(ADMIN)
    ) as client:
        answer = await client.get("/api/v1/reporting/kpis", params=params)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


async def test_an_unknown_figure_or_row_is_404(
    reporting_api: ServiceProcess, keycloak: Keycloak
) -> None:
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, headers=keycloak.bearer(ADMIN)
    ) as client:
        figure = await client.get("/api/v1/reporting/figures/happiness")
        row = await client.get(
            "/api/v1/reporting/figures/sla_compliance/events", params={"key": "x"}
        )
    assert figure.json()["error"]["code"] == "figure_not_found"
    assert row.json()["error"]["code"] == "row_not_found"


async def test_the_api_is_documented_in_openapi(reporting_api: ServiceProcess) -> None:
    async with httpx.AsyncClient(base_url=reporting_api.base_url) as client:
        openapi = (await client.get("/api/openapi.json")).json()
    assert {
        "/api/v1/reporting/kpis",
        "/api/v1/reporting/composition",
        "/api/v1/reporting/figures/{name}",
        "/api/v1/reporting/figures/{name}/events",
    } <= set(openapi["paths"])
    parameters = {
        p["name"] for p in openapi["paths"]["/api/v1/reporting/kpis"]["get"]["parameters"]
    }
    assert parameters == {"period", "scope", "as_of"}

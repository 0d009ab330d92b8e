"""The accounts HTTP API: filters, sorting, paging, and clear 4xx errors on bad input."""

import re
from typing import Any

import httpx
import pytest

from chassis.testing import ServiceProcess, eventually, unique

pytestmark = pytest.mark.integration


@pytest.fixture
def client(accounts_client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The API as AM-01, who manages the test ERP's accounts."""
    return accounts_client


async def test_unknown_account_is_404_with_an_error_body(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/accounts/NO-SUCH-ACCOUNT")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "account_not_found"
    assert "NO-SUCH-ACCOUNT" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("value_class=super", "value_class"),
        ("sort=password", "sort"),
        ("page=0", "page"),
        ("page_size=100000", "page_size"),
        ("colour=red", "colour"),
    ],
)
async def test_bad_filters_are_422_with_the_field_named(
    client: httpx.AsyncClient, query: str, field: str
) -> None:
    response = await client.get(f"/api/v1/accounts?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert any(detail["field"].endswith(field) for detail in error["details"])


async def test_filter_sort_and_page(
    erp: Any, accounts_worker: ServiceProcess, client: httpx.AsyncClient
) -> None:
    region = unique("Region")
    segment = unique("Segment")
    ids = [unique("C") for _ in range(3)]
    await erp.publish(
        *[erp.customer(customer, region=region) for customer in ids[:2]],
        erp.customer(ids[2], region=region, segment=segment),
        erp.order(ids[0], f"{ids[0]}-1", "600000.00"),
        erp.order(ids[1], f"{ids[1]}-1", "350000.00"),
        erp.order(ids[2], f"{ids[2]}-1", "100.00"),
    )

    async def all_classified() -> dict[str, Any] | None:
        page = (await client.get("/api/v1/accounts", params={"region": region})).json()
        revenues = {item["net_revenue_12m"] for item in page["items"]}
        return page if revenues == {"600000.00", "350000.00", "100.00"} else None

    await eventually(all_classified)
    page = (
        await client.get(
            "/api/v1/accounts",
            params={"region": region, "sort": "net_revenue_12m", "order": "desc", "page_size": 2},
        )
    ).json()
    assert page["total"] == 3
    assert [item["account_id"] for item in page["items"]] == [ids[0], ids[1]]
    second = (
        await client.get(
            "/api/v1/accounts",
            params={
                "region": region,
                "sort": "net_revenue_12m",
                "order": "desc",
                "page_size": 2,
                "page": 2,
            },
        )
    ).json()
    assert [item["account_id"] for item in second["items"]] == [ids[2]]
    medium = (
        await client.get("/api/v1/accounts", params={"region": region, "value_class": "medium"})
    ).json()
    assert [item["account_id"] for item in medium["items"]] == [ids[1]]

    # The page's pickers offer every region and segment once, in order (by the value they send,
    # the ERP's key; the text is its name in the page's language), the new region selected.
    listed = (await client.get("/accounts/", params={"region": region})).text

    def picker(name: str) -> list[str]:
        options = listed.split(f'<select name="{name}">', 1)[1].split("</select>", 1)[0]
        return re.findall(r'<option value="([^"]*)" (?:selected)?>', options)

    regions, segments = picker("region"), picker("segment")
    assert region in regions
    assert regions == sorted(set(regions)) and segments == sorted(set(segments))
    assert {"pharmacy", segment} <= set(segments)
    assert f'<option value="{region}" selected>{region}</option>' in listed

    history = (await client.get(f"/api/v1/accounts/{ids[0]}/tier-history")).json()
    assert history[0]["value_class"] == "high"
    assert history[0]["inputs"]["net_revenue_12m"] == "600000.00"


async def test_bad_page_filter_shows_an_error_on_the_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/accounts/?value_class=super")
    assert response.status_code == 422
    assert "Invalid filter" in response.text


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json()["status"] == "ok"
    assert (await client.get("/readyz")).json()["status"] == "ready"
    metrics = (await client.get("/metrics")).text
    assert "rapport_http_requests_total" in metrics

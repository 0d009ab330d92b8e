"""The pages: the dashboard with its figures and charts, drill-downs, CSV exports and the
printable report, in the shared layout with every service's navigation."""

import csv
import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from chassis.testing import Keycloak, ServiceProcess, unique
from contracts import accounts_v1, erp_v1
from reporting.bootstrap import Reporting
from reporting_fixtures import ADMIN, feed, received

pytestmark = pytest.mark.integration

DAY = datetime(2025, 5, 12, 9, 0, tzinfo=UTC)


async def seeded(reporting: Reporting) -> tuple[str, str]:
    manager, account = unique("AM"), unique("C")
    await feed(
        reporting,
        [
            received(
                accounts_v1.AccountRegistered(
                    account_id=account,
                    name="Shop",
                    region="North",
                    country="CN",
                    segment="clinic",
                    account_manager=manager,
                    registered_at=DAY - timedelta(days=90),
                ),
                arrived=DAY - timedelta(days=90),
            ),
            received(
                erp_v1.OrderPlaced.model_validate(
                    {
                        "order_id": unique("SO"),
                        "customer_id": account,
                        "placed_at": DAY,
                        "currency": "CNY",
                        "total": "80.00",
                        "lines": [
                            {
                                "sku": "S",
                                "category": "syringes",
                                "quantity": 4,
                                "unit_price": "20.00",
                            }
                        ],
                    }
                ),
                arrived=DAY,
            ),
        ],
    )
    return manager, account


async def test_the_dashboard_shows_figures_charts_and_links_to_the_events(
    reporting_api: ServiceProcess, reporting: Reporting, keycloak: Keycloak
) -> None:
    manager, account = await seeded(reporting)
    params = {"period": "2025-05", "scope": f"manager:{manager}", "as_of": "2025-05-31"}
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, headers=keycloak.bearer(ADMIN)
    ) as client:
        page = await client.get("/reporting/", params=params)
        drill = await client.get(
            "/reporting/figures/revenue_by_category/events", params={**params, "key": "syringes"}
        )
        exported = await client.get("/reporting/csv/revenue_by_category", params=params)
        report = await client.get("/reporting/report", params=params)
        bad = await client.get("/reporting/", params={"period": "2025-14"})
    assert page.status_code == 200
    assert 'href="/reporting/" class="active"' in page.text
    assert page.text.count("<svg") >= 3
    assert "/reporting/figures/sales_vs_target/events?" in page.text
    assert drill.status_code == 200
    assert f'href="/accounts/{account}"' in drill.text
    assert "erp.order.placed.v1" in drill.text
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows == [["key", "net revenue", "share %"], ["syringes", "80.00", "100.00"]]
    assert "@page { size: A4" in report.text
    assert bad.status_code == 422
    assert "does not exist" in bad.text

"""The engagement API does what its OpenAPI document says: each operation documents its
refusals with the error body; board days and months, a target's amount, a policy's intervals and
the calendar's days are stated in the schema; what the schema allows is taken and what it
refuses is a 422 naming the field."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak
from engagement.bootstrap import Engagement
from engagement.domain.cadence import DEFAULT_POLICY
from engagement_fixtures import add_account, signed_in

pytestmark = pytest.mark.integration

API = "/api/v1/engagement"


@pytest.fixture
async def api(engagement: Engagement, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    async with signed_in(engagement, keycloak) as client:
        yield client


@pytest.fixture
async def document(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def statuses(document: dict[str, Any], method: str, path: str) -> set[str]:
    return set(document["paths"][f"{API}{path}"][method]["responses"])


def fields_refused(response: httpx.Response) -> list[str]:
    assert response.status_code == 422, response.text
    return [detail["field"] for detail in response.json()["error"]["details"]]


def a_policy(**changes: Any) -> dict[str, Any]:
    return {**DEFAULT_POLICY.to_data(), **changes}


async def test_each_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    common = {"400", "401", "403", "413", "422"}
    assert statuses(document, "get", "/items/{item_id}") == {"200", "404"} | common
    assert statuses(document, "get", "/accounts/{account_id}/plan") == {"200", "404"} | common
    assert statuses(document, "get", "/boards/team/{team}") == {"200", "404"} | common
    assert statuses(document, "get", "/boards/weekly/{manager}") == {"200", "404"} | common
    assert statuses(document, "put", "/targets/{manager}/{month}") == {"200", "404"} | common
    assert statuses(document, "get", "/policies") == {"200"} | common
    for action in ("confirm", "reschedule", "cancel"):
        assert statuses(document, "post", f"/items/{{item_id}}/{action}") == {
            "200", "404", "409"
        } | common  # fmt: skip
    assert statuses(document, "post", "/items") == {"201", "404"} | common
    assert statuses(document, "post", "/visits") == {"201", "404", "409"} | common
    assert statuses(document, "post", "/feedback") == {"201", "404"} | common
    assert statuses(document, "post", "/policies/{version}/activate") == {
        "200", "404", "409"
    } | common  # fmt: skip


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
    ("method", "path", "body"),
    [
        ("get", "/items/NO-SUCH-ITEM", None),
        ("get", "/accounts/NO-SUCH-ACCOUNT/plan", None),
        ("get", "/boards/team/NO-SUCH-TEAM", None),
        ("post", "/items/NO-SUCH-ITEM/confirm", {}),
        ("post", "/items/NO-SUCH-ITEM/cancel", {}),
        ("post", "/policies/2147483647/activate", {}),
        ("post", "/feedback", {"account_id": "NO-SUCH", "context": "visit", "csat": 4}),
    ],
)
async def test_a_record_that_does_not_exist_is_a_documented_404(
    api: httpx.AsyncClient, method: str, path: str, body: dict[str, Any] | None
) -> None:
    response = await api.request(method, f"{API}{path}", json=body)
    assert response.status_code == 404, response.text
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("on", ["1999-12-31", "2101-01-01", "0054-09-03", "2026-13-01"])
async def test_a_board_day_outside_the_stated_years_is_422_naming_it(
    api: httpx.AsyncClient, on: str
) -> None:
    response = await api.get(f"{API}/boards/weekly/AM-1", params={"on": on})
    assert fields_refused(response) == ["query.on"]


async def test_the_stated_years_bound_the_board_day_and_month_in_the_document(
    document: dict[str, Any],
) -> None:
    weekly = document["paths"][f"{API}/boards/weekly/{{manager}}"]["get"]["parameters"]
    on = next(parameter for parameter in weekly if parameter["name"] == "on")
    day = next(schema for schema in on["schema"]["anyOf"] if schema.get("type") == "string")
    assert day["pattern"] == "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
    monthly = document["paths"][f"{API}/boards/monthly/{{manager}}/{{month}}"]["get"]
    month = next(parameter for parameter in monthly["parameters"] if parameter["name"] == "month")
    assert month["schema"]["pattern"] == "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$"


async def test_the_first_and_last_stated_years_are_boards(api: httpx.AsyncClient) -> None:
    for on in ("2000-01-01", "2100-12-31"):
        response = await api.get(f"{API}/boards/weekly/AM-02", params={"on": on})
        assert response.status_code == 200, response.text
    assert (await api.get(f"{API}/boards/monthly/AM-02/2100-12")).status_code == 200
    assert fields_refused(await api.get(f"{API}/boards/monthly/AM-1/1999-12")) == ["path.month"]


@pytest.mark.parametrize("amount", ["", "-1", "01", "1.001", "1e3", " 5", 1000, 10.5])
async def test_a_target_amount_the_pattern_refuses_is_422_naming_it(
    api: httpx.AsyncClient, amount: object
) -> None:
    response = await api.put(f"{API}/targets/AM-1/2026-12", json={"amount": amount})
    assert fields_refused(response) == ["body.amount"]


async def test_a_target_amount_written_as_get_returns_it_is_stored(
    api: httpx.AsyncClient,
) -> None:
    response = await api.put(f"{API}/targets/AM-02/2026-12", json={"amount": "230000.5"})
    assert response.status_code == 200, response.text
    assert response.json()["amount"] == "230000.5"


@pytest.mark.parametrize(
    "interval", [{}, {"weeks": 0}, {"months": 0}, {"weeks": 0, "months": 0}]
)  # fmt: skip
async def test_an_interval_of_no_weeks_nor_months_is_422_naming_the_tier(
    api: httpx.AsyncClient, interval: dict[str, int]
) -> None:
    policy = a_policy()
    policy["intervals"]["vip"] = interval
    assert fields_refused(await api.post(f"{API}/policies", json=policy)) == ["body.intervals.vip"]


async def test_the_document_states_an_interval_of_at_least_a_week_or_a_month(
    document: dict[str, Any],
) -> None:
    interval = document["components"]["schemas"]["IntervalIn"]
    assert interval["anyOf"] == [
        {"required": ["weeks"], "properties": {"weeks": {"minimum": 1}}},
        {"required": ["months"], "properties": {"months": {"minimum": 1}}},
    ]


@pytest.mark.parametrize("horizon", [True, "8", 8.5])
async def test_a_policy_integer_that_is_not_a_json_integer_is_422(
    api: httpx.AsyncClient, horizon: object
) -> None:
    response = await api.post(f"{API}/policies", json=a_policy(horizon_weeks=horizon))
    assert fields_refused(response) == ["body.horizon_weeks"]


async def test_a_policy_the_schema_allows_is_drafted(api: httpx.AsyncClient) -> None:
    response = await api.post(f"{API}/policies", json=a_policy(horizon_weeks=8.0))
    assert response.status_code == 201, response.text
    assert response.json()["state"] == "draft"


@pytest.mark.parametrize(
    ("calendar", "field"),
    [
        ({"working_days": [0]}, "body.working_days.0"),
        ({"working_days": ["2026-12-05T00:00:00"]}, "body.working_days.0"),
        ({"holidays": [{"on": 20261201, "name": "x"}]}, "body.holidays.0.on"),
        ({"working_days": ["2026-12-05", "2026-12-05"]}, "body"),
        (
            {"holidays": [{"on": "2027-01-01", "name": "a"}, {"on": "2027-01-01", "name": "b"}]},
            "body",
        ),
    ],
)
async def test_a_calendar_day_the_document_or_its_rules_refuse_is_422(
    api: httpx.AsyncClient, calendar: dict[str, Any], field: str
) -> None:
    body = {"holidays": [], **calendar}
    assert fields_refused(await api.put(f"{API}/calendar", json=body)) == [field]


async def test_the_document_states_each_working_day_once(document: dict[str, Any]) -> None:
    working_days = document["components"]["schemas"]["CalendarIn"]["properties"]["working_days"]
    assert working_days["uniqueItems"] is True
    assert working_days["items"] == {"type": "string", "format": "date"}


async def test_a_day_or_score_that_is_not_its_json_type_is_422_naming_it(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement)
    item = {"account_id": account_id, "kind": "call", "due_on": "2026-12-03"}
    response = await api.post(f"{API}/items", json={**item, "window_end": 0})
    assert fields_refused(response) == ["body.window_end"]
    for csat in (True, 4.0, "4"):
        feedback = {"account_id": account_id, "context": "visit", "csat": csat}
        assert fields_refused(await api.post(f"{API}/feedback", json=feedback)) == ["body.csat"]
    visit = {
        "account_id": account_id,
        "occurred_on": "2026-12-02",
        "channel": "phone",
        "duration_minutes": 10,
        "outcome": "information",
    }
    for nps in (7.0, "7"):
        response = await api.post(f"{API}/visits", json={**visit, "nps": nps})
        assert fields_refused(response) == ["body.nps"]
    plan = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
    assert (plan["visits"], plan["feedback"]) == ([], [])

"""The complaints API does what its OpenAPI document says: each operation documents its
refusals with the error body, a 405 names the methods a path has, and a body the document
refuses (a wrong type, an unknown weekday, a date that is not YYYY-MM-DD) is a 422."""

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak, unique
from complaints.bootstrap import Complaints
from complaints.entrypoints.api import create
from complaints_fixtures import ActingByRoute, new_ticket

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/complaints"
RULES = [{"name": "base", "targets": {"respond": {"amount": 15, "unit": "minutes"}}}]
CALENDAR = {
    "time_zone": "Asia/Shanghai",
    "week": {"monday": ["09:00-12:00", "13:00-18:00"], "friday": ["09:00-24:00"]},
    "holidays": ["2026-10-01"],
}


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


@pytest.fixture
async def document(api: httpx.AsyncClient) -> dict[str, Any]:
    response = await api.get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def statuses(document: dict[str, Any], method: str, path: str) -> set[str]:
    return set(document["paths"][f"{PREFIX}{path}"][method]["responses"])


def refusal_schemas(document: dict[str, Any]) -> list[Any]:
    return [
        response["content"]["application/json"]["schema"]
        for operations in document["paths"].values()
        for operation in operations.values()
        for status, response in operation["responses"].items()
        if status.startswith("4")
    ]


async def test_each_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    # Every operation needs a signed-in principal (401) with the role it names (403).
    assert statuses(document, "post", "/tickets/{ticket_id}/close") == {
        "200", "400", "401", "403", "404", "409", "413", "422"
    }  # fmt: skip
    assert statuses(document, "post", "/tickets") == {
        "201", "400", "401", "403", "409", "413", "422"
    }  # fmt: skip
    # A 422 on every operation: text PostgreSQL cannot store (a NUL) anywhere is refused.
    assert statuses(document, "get", "/tickets/{ticket_id}") >= {"200", "400", "404", "413"}
    assert statuses(document, "get", "/board") == {"200", "400", "401", "403", "413", "422"}
    assert statuses(document, "post", "/policies/{version}/activate") >= {"404", "422"}


async def test_every_refusal_is_documented_with_the_error_body(document: dict[str, Any]) -> None:
    schemas = refusal_schemas(document)
    assert schemas
    assert all(schema == {"$ref": "#/components/schemas/ErrorBody"} for schema in schemas)


async def test_a_method_a_path_lacks_is_405_with_allow(api: httpx.AsyncClient) -> None:
    response = await api.delete(f"{PREFIX}/tickets/CMP-1")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/policies", {"rules": RULES, "activate": 0}, "body.activate"),
        ("/standard-answers", {"category": "price", "title": 1, "body": "b"}, "body.title"),
    ],
)
async def test_a_value_of_another_json_type_is_422(
    api: httpx.AsyncClient, path: str, body: dict[str, Any], field: str
) -> None:
    response = await api.post(f"{PREFIX}{path}", json=body)
    assert response.status_code == 422, response.text
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]


async def test_a_severity_as_a_string_is_422(api: httpx.AsyncClient, new_account: Any) -> None:
    response = await api.post(
        f"{PREFIX}/tickets", json=new_ticket(await new_account(), severity="2")
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == "body.severity"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"week": {"mon": ["09:00-12:00"]}}, "body.week.mon.[key]"),
        ({"week": {"monday": ["9:00-12:00"]}}, "body.week.monday.0"),
        ({"holidays": ["20261001"]}, "body.holidays.0.date"),
        ({"holidays": ["2026-02-30"]}, "body.holidays.0.date"),
        ({"holidays": [{"date": "2026-10-01", "name": {"fr": "Fête"}}]}, "body.holidays.0.name.fr"),
        (
            {"holidays": [{"date": "2026-10-01", "name": {"en": "N" * 101}}]},
            "body.holidays.0.name.en",
        ),
    ],
)
async def test_a_calendar_the_document_refuses_is_422_naming_the_field(
    api: httpx.AsyncClient, change: dict[str, Any], field: str
) -> None:
    response = await api.put(f"{PREFIX}/calendars/shanghai", json=CALENDAR | change)
    assert response.status_code == 422, response.text
    assert field in [detail["field"] for detail in response.json()["error"]["details"]]
    assert (await api.get(f"{PREFIX}/calendars/shanghai")).status_code == 404


async def test_a_calendar_as_documented_is_taken(api: httpx.AsyncClient) -> None:
    response = await api.put(f"{PREFIX}/calendars/shanghai", json=CALENDAR)
    assert response.status_code == 200, response.text
    assert response.json()["week"]["friday"] == ["09:00-24:00"]
    # A bare date, the first shape, is still taken: a holiday without a name.
    assert response.json()["holidays"] == [{"date": "2026-10-01", "name": {"en": "", "zh": ""}}]


async def test_a_calendar_s_named_holidays_come_back_as_sent(api: httpx.AsyncClient) -> None:
    national_day = {"date": "2026-10-01", "name": {"en": "National Day", "zh": "国庆节"}}
    holidays = [{"date": "2026-10-02", "name": {"zh": "国庆节"}}, national_day, "2026-10-03"]
    response = await api.put(f"{PREFIX}/calendars/shanghai", json=CALENDAR | {"holidays": holidays})
    assert response.status_code == 200, response.text
    expected = [
        national_day,
        {"date": "2026-10-02", "name": {"en": "", "zh": "国庆节"}},
        {"date": "2026-10-03", "name": {"en": "", "zh": ""}},
    ]
    assert response.json()["holidays"] == expected
    assert (await api.get(f"{PREFIX}/calendars/shanghai")).json()["holidays"] == expected


async def test_a_day_twice_among_the_holidays_is_422(api: httpx.AsyncClient) -> None:
    holidays = ["2026-10-01", {"date": "2026-10-01", "name": {"en": "National Day"}}]
    path = f"{PREFIX}/calendars/{unique('twice').lower()}"
    response = await api.put(path, json=CALENDAR | {"holidays": holidays})
    assert response.status_code == 422, response.text
    assert (await api.get(path)).status_code == 404


async def test_the_document_shows_a_holiday_s_names_and_its_bare_date(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    shapes = schemas["CalendarIn"]["properties"]["holidays"]["items"]["anyOf"]
    assert {"type": "string", "format": "date"} in shapes
    assert {"$ref": "#/components/schemas/HolidayIn"} in shapes
    assert set(schemas["HolidayNameIn"]["properties"]) == {"en", "zh"}
    holiday_out = schemas["CalendarOut"]["properties"]["holidays"]["items"]
    assert holiday_out == {"$ref": "#/components/schemas/HolidayOut"}

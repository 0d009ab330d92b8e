"""The JSON API on the real PostgreSQL: boards, item actions, the visit log, feedback and targets,
and bad input answered with a 4xx and the error body, leaving everything as it was."""

from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak, unique
from engagement.bootstrap import Engagement
from engagement_fixtures import add_account, signed_in

pytestmark = pytest.mark.integration

API = "/api/v1/engagement"
# T0 is Wednesday 2 December 2026.
TODAY = date(2026, 12, 2)


@pytest.fixture
async def api(engagement: Engagement, keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    """The API as SUP-01, the supervisor of each test's managers (`add_account`)."""
    async with signed_in(engagement, keycloak) as client:
        yield client


async def plan(api: httpx.AsyncClient, account_id: str, due_on: date, **extra: Any) -> dict:
    body = {"account_id": account_id, "kind": "visit", "due_on": str(due_on)}
    response = await api.post(f"{API}/items", json=body | extra)
    assert response.status_code == 201, response.text
    return response.json()


def assert_refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


async def test_a_planned_item_shows_on_the_owners_weekly_board(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade="B")
    item = await plan(api, account_id, TODAY)
    assert (item["state"], item["owner"], item["origin"], item["tier"]) == (
        "planned",
        manager,
        "manual",
        "B",
    )
    board = (await api.get(f"{API}/boards/weekly/{manager}")).json()
    assert board["week_start"] == "2026-11-30"
    assert item["item_id"] in [row["item_id"] for row in board["today_items"]]


async def test_reschedule_is_counted_per_item_and_per_account(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement, grade="B")
    item = await plan(api, account_id, TODAY)
    moved = await api.post(
        f"{API}/items/{item['item_id']}/reschedule",
        json={
            "due_on": "2026-12-04",
            "requested_by": "customer",
            "reason": "customer_unavailable",
        },
    )
    assert moved.status_code == 200, moved.text
    detail = moved.json()
    assert (detail["due_on"], detail["reschedule_count"]) == ("2026-12-04", 1)
    assert detail["account_reschedule_count"] == 1
    assert [(r["previous_due_on"], r["requested_by"]) for r in detail["reschedules"]] == [
        ("2026-12-02", "customer")
    ]


async def test_logging_a_planned_item_marks_it_done_and_plans_the_next_step(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement, grade="B")
    item = await plan(api, account_id, TODAY)
    logged = await api.post(
        f"{API}/visits",
        json={
            "account_id": account_id,
            "item_id": item["item_id"],
            "occurred_on": str(TODAY),
            "channel": "on_site",
            "duration_minutes": 45,
            "outcome": "opportunity",
            "next_step": {"kind": "call", "due_on": "2026-12-09", "note": "price list"},
            "csat": 5,
        },
    )
    assert logged.status_code == 201, logged.text
    next_item_id = logged.json()["next_step_item_id"]
    assert (await api.get(f"{API}/items/{item['item_id']}")).json()["state"] == "done"
    next_item = (await api.get(f"{API}/items/{next_item_id}")).json()
    assert (next_item["origin"], next_item["kind"], next_item["due_on"]) == (
        "next_step",
        "call",
        "2026-12-09",
    )
    plan_page = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
    assert plan_page["last_done_on"] == str(TODAY)
    assert [answer["csat"] for answer in plan_page["feedback"]] == [5]


async def test_a_target_is_split_and_shown_with_its_progress(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    _, manager = await add_account(engagement, grade="B")
    response = await api.put(f"{API}/targets/{manager}/2026-12", json={"amount": "230000.00"})
    assert response.status_code == 200, response.text
    board = (await api.get(f"{API}/boards/weekly/{manager}")).json()
    target = board["target"]
    assert target["month"]["target"] == "230000.00"
    assert target["month"]["actual"] == "0.00"
    assert 0 < float(target["day"]["target"]) < float(target["week"]["target"])


async def test_an_unknown_item_or_account_is_404(api: httpx.AsyncClient) -> None:
    assert_refused(await api.get(f"{API}/items/{unique('PI')}"), 404, "not_found")
    assert_refused(
        await api.post(f"{API}/items/{unique('PI')}/confirm", json={}),
        404,
        "not_found",
    )
    body = {"account_id": unique("C"), "kind": "call", "due_on": str(TODAY)}
    assert_refused(await api.post(f"{API}/items", json=body), 404, "not_found")
    assert_refused(await api.get(f"{API}/accounts/{unique('C')}/plan"), 404, "not_found")


async def test_an_action_the_state_forbids_is_409_and_changes_nothing(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement, grade="B")
    item = await plan(api, account_id, TODAY)
    cancelled = await api.post(f"{API}/items/{item['item_id']}/cancel", json={})
    assert cancelled.json()["state"] == "cancelled"
    before = (await api.get(f"{API}/items/{item['item_id']}")).json()
    assert_refused(
        await api.post(f"{API}/items/{item['item_id']}/confirm", json={}),
        409,
        "action_not_allowed",
    )
    assert_refused(
        await api.post(
            f"{API}/items/{item['item_id']}/reschedule",
            json={
                "due_on": "2026-12-10",
                "requested_by": "us",
                "reason": "customer_unavailable",
            },
        ),
        409,
        "action_not_allowed",
    )
    assert (await api.get(f"{API}/items/{item['item_id']}")).json() == before


async def test_bad_values_are_422_with_the_field_named(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, manager = await add_account(engagement, grade="B")
    csat_six = await api.post(
        f"{API}/feedback",
        json={"account_id": account_id, "context": "survey", "csat": 6},
    )
    assert "csat" in str(assert_refused(csat_six, 422, "invalid_input")["details"])
    negative = await api.put(f"{API}/targets/{manager}/2026-12", json={"amount": "-1.00"})
    assert_refused(negative, 422, "invalid_input")
    no_such_day = await api.post(
        f"{API}/items",
        json={"account_id": account_id, "kind": "call", "due_on": "2026-02-30"},
    )
    assert_refused(no_such_day, 422, "invalid_input")
    assert_refused(await api.put(f"{API}/targets/{manager}/2026-13", json={}), 422, "invalid_input")
    plan_page = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
    assert plan_page["feedback"] == []
    assert [item for item in plan_page["items"] if item["origin"] == "manual"] == []
    board = (await api.get(f"{API}/boards/weekly/{manager}")).json()
    assert board["target"] is None


async def cadence_visits(api: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    plan_page = (await api.get(f"{API}/accounts/{account_id}/plan")).json()
    return [item for item in plan_page["items"] if item["origin"] == "cadence"]


async def test_a_cadence_visit_the_customer_moved_or_cancelled_stays_so(
    api: httpx.AsyncClient, engagement: Engagement
) -> None:
    account_id, _ = await add_account(engagement, grade="A")

    async def planned() -> list[dict[str, Any]]:
        visits = [i for i in await cadence_visits(api, account_id) if i["state"] == "planned"]
        return sorted(visits, key=lambda i: i["due_on"])

    first = (await planned())[0]
    moved_to = date.fromisoformat(first["due_on"]) + timedelta(days=2)
    moved = await api.post(
        f"{API}/items/{first['item_id']}/reschedule",
        json={
            "due_on": str(moved_to),
            "requested_by": "customer",
            "reason": "customer_request",
        },
    )
    assert moved.status_code == 200, moved.text
    # The cadence counts on from the moved visit (decision 0013): the next is 2 weeks after it.
    second = (await planned())[0]
    assert second["due_on"] == str(moved_to + timedelta(weeks=2))
    cancelled = await api.post(
        f"{API}/items/{second['item_id']}/cancel",
        json={"cancelled_by": "customer", "reason": "customer_cancelled"},
    )
    assert cancelled.status_code == 200, cancelled.text
    after = {item["item_id"]: item for item in await cadence_visits(api, account_id)}
    assert (after[first["item_id"]]["state"], after[first["item_id"]]["due_on"]) == (
        "rescheduled",
        str(moved_to),
    )
    assert after[second["item_id"]]["state"] == "cancelled"
    open_days = [i["due_on"] for i in after.values() if i["state"] in ("planned", "rescheduled")]
    assert first["due_on"] not in open_days
    assert second["due_on"] not in open_days
    # The declined visit was that fortnight's: the next follows 2 weeks after its day.
    assert min(day for day in open_days if day > second["due_on"]) == str(
        moved_to + timedelta(weeks=4)
    )


async def test_a_board_or_target_outside_the_working_years_is_422(api: httpx.AsyncClient) -> None:
    assert_refused(
        await api.get(f"{API}/boards/weekly/AM-02", params={"on": "0001-01-01"}),
        422,
        "invalid_input",
    )
    assert_refused(
        await api.put(f"{API}/targets/AM-02/0001-01", json={"amount": "0"}),
        422,
        "invalid_input",
    )
    assert_refused(await api.get(f"{API}/boards/monthly/AM-02/9999-12"), 422, "invalid_input")

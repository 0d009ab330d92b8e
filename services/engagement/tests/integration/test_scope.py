"""Roles and ownership on every API route and page (decision 0016, "Engagement (wired)"): for a
manager (AM-01), a supervisor (SUP-01, the east team) and the admin, each route asked about
their own records and about another's (AM-04's, of the south team), with real tokens. Outside
one's scope a record is not found (404) and nothing changes; a route not of one's role is a 403;
lists show only what is in scope."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from chassis.testing import Keycloak
from engagement.bootstrap import Engagement
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement_fixtures import ADMIN, MANAGER, SUPERVISOR, add_account, signed_in

pytestmark = pytest.mark.integration

API = "/api/v1/engagement"
PAGES = "/engagement"
TOMORROW = date(2026, 12, 3)
OWN, FOREIGN = "AM-01", "AM-04"  # AM-01 is east's (SUP-01's), AM-04 south's
TEAM_OF = {OWN: "east", FOREIGN: "south"}


@dataclass(frozen=True)
class Records:
    """One manager's account with an open item, and their team."""

    manager: str
    account: str
    item: str
    team: str


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: dict[str, Any] | None = None
    data: dict[str, str] | None = None


# (name, who may, the call on some records, the status when it is done).
Operation = tuple[str, frozenset[str], Callable[[Records], Call], int]
READERS = frozenset({MANAGER, SUPERVISOR, ADMIN})
WORKERS = frozenset({MANAGER, SUPERVISOR})
TEAM_READERS = frozenset({SUPERVISOR, ADMIN})


def visit(r: Records) -> dict[str, Any]:
    return {
        "account_id": r.account,
        "item_id": r.item,
        "occurred_on": "2026-12-02",
        "channel": "phone",
        "duration_minutes": 10,
        "outcome": "information",
    }


OPERATIONS: list[Operation] = [
    ("weekly board", READERS, lambda r: Call("GET", f"{API}/boards/weekly/{r.manager}"), 200),
    (
        "monthly board",
        READERS,
        lambda r: Call("GET", f"{API}/boards/monthly/{r.manager}/2026-12"),
        200,
    ),
    ("team board", TEAM_READERS, lambda r: Call("GET", f"{API}/boards/team/{r.team}"), 200),
    ("account plan", READERS, lambda r: Call("GET", f"{API}/accounts/{r.account}/plan"), 200),
    ("item", READERS, lambda r: Call("GET", f"{API}/items/{r.item}"), 200),
    (
        "plan an item",
        WORKERS,
        lambda r: Call(
            "POST",
            f"{API}/items",
            json={"account_id": r.account, "kind": "call", "due_on": "2026-12-04"},
        ),
        201,
    ),
    ("confirm", WORKERS, lambda r: Call("POST", f"{API}/items/{r.item}/confirm", json={}), 200),
    (
        "reschedule",
        WORKERS,
        lambda r: Call(
            "POST",
            f"{API}/items/{r.item}/reschedule",
            json={"due_on": "2026-12-04", "requested_by": "customer", "reason": "customer_request"},
        ),
        200,
    ),
    ("cancel", WORKERS, lambda r: Call("POST", f"{API}/items/{r.item}/cancel", json={}), 200),
    ("log a visit", WORKERS, lambda r: Call("POST", f"{API}/visits", json=visit(r)), 201),
    (
        "record scores",
        WORKERS,
        lambda r: Call(
            "POST",
            f"{API}/feedback",
            json={"account_id": r.account, "context": "survey", "csat": 4},
        ),
        201,
    ),
    (
        "set a target",
        WORKERS,
        lambda r: Call("PUT", f"{API}/targets/{r.manager}/2026-12", json={"amount": "1000.00"}),
        200,
    ),
    (
        "weekly board page",
        READERS,
        lambda r: Call("GET", f"{PAGES}/boards/weekly/{r.manager}"),
        200,
    ),
    (
        "monthly board page",
        READERS,
        lambda r: Call("GET", f"{PAGES}/boards/monthly/{r.manager}/2026-12"),
        200,
    ),
    ("team board page", TEAM_READERS, lambda r: Call("GET", f"{PAGES}/boards/team/{r.team}"), 200),
    ("account page", READERS, lambda r: Call("GET", f"{PAGES}/accounts/{r.account}"), 200),
    ("item log form", WORKERS, lambda r: Call("GET", f"{PAGES}/items/{r.item}/log"), 200),
    ("contact log form", WORKERS, lambda r: Call("GET", f"{PAGES}/accounts/{r.account}/log"), 200),
    (
        "board button",
        WORKERS,
        lambda r: Call(
            "POST", f"{PAGES}/boards/weekly/{r.manager}/items/{r.item}/confirm", data={}
        ),
        303,
    ),
    (
        "feedback form",
        WORKERS,
        lambda r: Call(
            "POST",
            f"{PAGES}/accounts/{r.account}/feedback",
            data={"context": "survey", "csat": "4"},
        ),
        303,
    ),
    (
        "item log form post",
        WORKERS,
        lambda r: Call(
            "POST",
            f"{PAGES}/items/{r.item}/log",
            data={k: str(v) for k, v in visit(r).items() if k not in ("account_id", "item_id")},
        ),
        303,
    ),
]


async def records_of(app: Engagement, manager: str) -> Records:
    """A fresh account of `manager` with an item due tomorrow (planned as the service would)."""
    account, _ = await add_account(app, grade="C", manager=manager)
    item = await actions.plan_manual_item(
        uow=app.uow(),
        command=c.PlanManualItem(
            account_id=account, kind="visit", due_on=TOMORROW, actor=manager, managers=None
        ),
        clock=app.clock,
        settings=app.plan,
    )
    return Records(manager, account, item.item_id, TEAM_OF[manager])


@pytest.fixture
async def teams(engagement: Engagement, keycloak: Keycloak) -> AsyncIterator[None]:
    """Engagement's own team data agrees with the realm's groups."""
    async with signed_in(engagement, keycloak, ADMIN) as admin:
        for team, supervisor, members in (
            ("east", "SUP-01", ["AM-01", "AM-02", "AM-03"]),
            ("south", "SUP-02", ["AM-04", "AM-05"]),
        ):
            saved = await admin.put(
                f"{API}/teams/{team}", json={"supervisor": supervisor, "managers": members}
            )
            assert saved.status_code == 204, saved.text
    yield


async def state_of(app: Engagement, keycloak: Keycloak, records: Records) -> tuple[Any, ...]:
    """What a refused call must leave as it was: the item, the account's visits and scores,
    and the manager's target of the month."""
    async with signed_in(app, keycloak, ADMIN) as admin:
        item = (await admin.get(f"{API}/items/{records.item}")).json()
        plan = (await admin.get(f"{API}/accounts/{records.account}/plan")).json()
        board = (await admin.get(f"{API}/boards/weekly/{records.manager}")).json()
    manual = sorted(i["item_id"] for i in plan["items"] if i["origin"] == "manual")
    return item, plan["visits"], plan["feedback"], manual, board["target"]


def expected(user: str, whose: str, allowed: frozenset[str], done: int) -> int:
    if user not in allowed:
        return 403
    if user == ADMIN or whose == OWN:
        return done
    return 404


@pytest.mark.parametrize("whose", [OWN, FOREIGN])
@pytest.mark.parametrize("user", [MANAGER, SUPERVISOR, ADMIN])
@pytest.mark.parametrize(
    ("name", "allowed", "call", "done"), OPERATIONS, ids=[op[0] for op in OPERATIONS]
)
async def test_each_route_for_each_role_on_own_and_foreign_records(
    engagement: Engagement,
    keycloak: Keycloak,
    teams: None,
    user: str,
    whose: str,
    name: str,
    allowed: frozenset[str],
    call: Callable[[Records], Call],
    done: int,
) -> None:
    records = await records_of(engagement, whose)
    before = await state_of(engagement, keycloak, records)
    request = call(records)
    async with signed_in(engagement, keycloak, user) as client:
        response = await client.request(
            request.method, request.path, json=request.json, data=request.data
        )
    status = expected(user, whose, allowed, done)
    assert response.status_code == status, response.text
    if status in (403, 404):
        if request.path.startswith(API):
            code = {403: "forbidden", 404: "not_found"}[status]
            assert response.json()["error"]["code"] == code
        assert await state_of(engagement, keycloak, records) == before


async def test_lists_and_the_home_page_show_only_what_is_in_scope(
    engagement: Engagement, keycloak: Keycloak, teams: None
) -> None:
    await records_of(engagement, OWN)
    await records_of(engagement, FOREIGN)
    async with signed_in(engagement, keycloak, MANAGER) as manager:
        assert (await manager.get(f"{API}/managers")).json() == [OWN]
        assert (await manager.get(f"{API}/teams")).json() == {
            "east": {"supervisor": "SUP-01", "managers": [OWN]}
        }
        home = (await manager.get(f"{PAGES}/")).text
        assert f'href="{PAGES}/boards/weekly/{OWN}"' in home
        assert FOREIGN not in home
    async with signed_in(engagement, keycloak, SUPERVISOR) as supervisor:
        managers = (await supervisor.get(f"{API}/managers")).json()
        assert OWN in managers and FOREIGN not in managers
        assert set((await supervisor.get(f"{API}/teams")).json()) == {"east"}
        teams_page = (await supervisor.get(f"{PAGES}/boards/team/")).text
        assert 'data-team="east"' in teams_page and 'data-team="south"' not in teams_page
    async with signed_in(engagement, keycloak, ADMIN) as admin:
        assert {OWN, FOREIGN} <= set((await admin.get(f"{API}/managers")).json())
        assert {"east", "south"} <= set((await admin.get(f"{API}/teams")).json())


async def test_the_admin_reads_an_account_page_without_its_forms(
    engagement: Engagement, keycloak: Keycloak
) -> None:
    records = await records_of(engagement, OWN)
    async with signed_in(engagement, keycloak, ADMIN) as admin:
        page = await admin.get(f"{PAGES}/accounts/{records.account}")
        board = await admin.get(f"{PAGES}/boards/weekly/{OWN}")
    assert page.status_code == board.status_code == 200
    for html in (page.text, board.text):
        assert 'method="post"' not in html.split("</header>", 1)[1]
        assert "/log" not in html.split("</header>", 1)[1]
    assert records.item in board.text


@pytest.mark.parametrize(
    ("user", "call"),
    [
        (MANAGER, Call("POST", f"{API}/policies", json={})),
        (SUPERVISOR, Call("POST", f"{API}/policies/1/activate", json={})),
        (MANAGER, Call("PUT", f"{API}/teams/east", json={"supervisor": "AM-01", "managers": []})),
        (SUPERVISOR, Call("PUT", f"{API}/calendar", json={"holidays": []})),
    ],
)
async def test_policies_teams_and_the_calendar_are_the_admins(
    engagement: Engagement, keycloak: Keycloak, user: str, call: Call
) -> None:
    async with signed_in(engagement, keycloak, user) as client:
        response = await client.request(call.method, call.path, json=call.json)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "forbidden"


async def test_who_acted_is_the_signed_in_user(engagement: Engagement, keycloak: Keycloak) -> None:
    records = await records_of(engagement, OWN)
    async with signed_in(engagement, keycloak, SUPERVISOR) as supervisor:
        moved = await supervisor.post(
            f"{API}/items/{records.item}/reschedule",
            json={"due_on": "2026-12-04", "requested_by": "us", "reason": "customer_request"},
        )
        assert moved.status_code == 200, moved.text
        assert [r["actor"] for r in moved.json()["reschedules"]] == ["SUP-01"]
        forged = await supervisor.post(
            f"{API}/feedback",
            json={"account_id": records.account, "context": "survey", "csat": 4, "actor": "AM-09"},
        )
        assert forged.status_code == 422  # no actor field to claim another's name
    async with signed_in(engagement, keycloak, MANAGER) as manager:
        scored = await manager.post(
            f"{API}/feedback", json={"account_id": records.account, "context": "survey", "csat": 5}
        )
        assert scored.status_code == 201, scored.text
        plan = (await manager.get(f"{API}/accounts/{records.account}/plan")).json()
    assert [answer["manager"] for answer in plan["feedback"]] == ["AM-01"]

"""Roles and ownership on every route (decision 0016, reporting): a manager reads their own
figures, a supervisor their team's, the admin the company's; another manager's or team's
figures, events and exports are not found (404, the same as for nobody), a role that reads no
figures is refused (403). Asked over the API and the pages with real tokens."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chassis.testing import Keycloak, ServiceProcess, ServiceUnderTest, unique
from contracts import accounts_v1, engagement_v1
from reporting.bootstrap import bootstrap
from reporting_fixtures import (
    ADMIN,
    MANAGER,
    OPS,
    OTHER_SUPERVISOR,
    SUPERVISOR,
    feed,
    received,
    reporting_settings,
)

pytestmark = pytest.mark.integration

DAY = datetime(2025, 4, 14, 9, 0, tzinfo=UTC)
PERIOD = {"period": "2025-04", "as_of": "2025-04-30"}
# Every route that reads figures: the API's and the pages' (path, its own parameters).
ROUTES: list[tuple[str, dict[str, str]]] = [
    ("/api/v1/reporting/kpis", {}),
    ("/api/v1/reporting/composition", {}),
    ("/api/v1/reporting/figures/nps", {}),
    ("/api/v1/reporting/figures/nps/events", {}),
    ("/reporting/", {}),
    ("/reporting/report", {}),
    ("/reporting/figures/nps/events", {}),
    ("/reporting/csv/kpis", {}),
    ("/reporting/csv/events", {"figure": "nps"}),
]
# Who asks for which scope (None: their own), and the answer.
CASES: list[tuple[str, str | None, int]] = [
    (MANAGER, None, 200),
    (MANAGER, "manager:AM-01", 200),
    (MANAGER, "manager:AM-04", 404),
    (MANAGER, "manager:AM-02", 404),
    (MANAGER, "team:east", 404),
    (MANAGER, "company", 404),
    (SUPERVISOR, None, 200),
    (SUPERVISOR, "team:east", 200),
    (SUPERVISOR, "manager:AM-02", 200),
    (SUPERVISOR, "team:south", 404),
    (SUPERVISOR, "manager:AM-04", 404),
    (SUPERVISOR, "company", 404),
    (OTHER_SUPERVISOR, "team:south", 200),
    (OTHER_SUPERVISOR, "team:east", 404),
    (ADMIN, None, 200),
    (ADMIN, "company", 200),
    (ADMIN, "team:south", 200),
    (ADMIN, "manager:AM-04", 200),
    (OPS, None, 403),
    (OPS, "manager:AM-01", 403),
]


@pytest.fixture(scope="module")
async def seeded(reporting_service: ServiceUnderTest) -> AsyncIterator[dict[str, str]]:
    """An account of AM-01 and one of AM-04, each with an NPS answer in April 2025: the
    answers' event ids by manager."""
    reporting = bootstrap(reporting_settings(reporting_service.env))
    answers = {}
    for manager in ("AM-01", "AM-04"):
        account, event_id = unique("C"), unique("ev")
        await feed(
            reporting,
            [
                received(
                    accounts_v1.AccountRegistered(
                        account_id=account,
                        name="Shop",
                        region="East",
                        country="CN",
                        segment="pharmacy",
                        account_manager=manager,
                        registered_at=DAY - timedelta(days=90),
                    ),
                    arrived=DAY - timedelta(days=90),
                ),
                received(
                    engagement_v1.FeedbackRecorded(
                        feedback_id=unique("fb"),
                        account_id=account,
                        nps=9,
                        context="survey",
                        responded_at=DAY,
                    ),
                    arrived=DAY,
                    event_id=event_id,
                ),
            ],
        )
        answers[manager] = event_id
    await reporting.dispose()
    yield answers


async def get(
    api: ServiceProcess, keycloak: Keycloak, user: str, path: str, **params: str
) -> httpx.Response:
    async with httpx.AsyncClient(
        base_url=api.base_url, timeout=60, headers=keycloak.bearer(user)
    ) as client:
        return await client.get(path, params={**PERIOD, **params})


@pytest.mark.parametrize(("user", "scope", "status"), CASES)
async def test_each_route_answers_within_the_callers_scope_only(
    reporting_api: ServiceProcess,
    keycloak: Keycloak,
    seeded: dict[str, str],
    user: str,
    scope: str | None,
    status: int,
) -> None:
    asked = {"scope": scope} if scope else {}
    for path, params in ROUTES:
        response = await get(reporting_api, keycloak, user, path, **params, **asked)
        assert response.status_code == status, f"{user} {path} {scope}: {response.text[:300]}"
        if path.startswith("/api/") and status == 404:
            assert response.json()["error"]["code"] == "scope_not_found"


def event_ids(body: dict[str, Any]) -> set[str]:
    return {event["event_id"] for event in body["events"]}


async def test_the_events_behind_a_figure_are_the_callers_own(
    reporting_api: ServiceProcess, keycloak: Keycloak, seeded: dict[str, str]
) -> None:
    path = "/api/v1/reporting/figures/nps/events"
    own = (await get(reporting_api, keycloak, MANAGER, path)).json()
    assert own["scope"] == "manager:AM-01"
    assert seeded["AM-01"] in event_ids(own)
    assert seeded["AM-04"] not in event_ids(own)

    team = (await get(reporting_api, keycloak, SUPERVISOR, path)).json()
    assert team["scope"] == "team:east"
    assert seeded["AM-01"] in event_ids(team)
    assert seeded["AM-04"] not in event_ids(team)

    south = (await get(reporting_api, keycloak, OTHER_SUPERVISOR, path)).json()
    assert (seeded["AM-04"] in event_ids(south), seeded["AM-01"] in event_ids(south)) == (
        True,
        False,
    )

    company = (await get(reporting_api, keycloak, ADMIN, path)).json()
    assert company["scope"] == "company"
    assert {seeded["AM-01"], seeded["AM-04"]} <= event_ids(company)


async def test_another_managers_drill_down_link_is_not_found_like_nobodys(
    reporting_api: ServiceProcess, keycloak: Keycloak, seeded: dict[str, str]
) -> None:
    foreign = await get(
        reporting_api, keycloak, ADMIN, "/api/v1/reporting/figures/nps", scope="manager:AM-04"
    )
    link = foreign.json()["figures"][0]["events_url"]
    async with httpx.AsyncClient(
        base_url=reporting_api.base_url, headers=keycloak.bearer(MANAGER)
    ) as client:
        taken = await client.get(link)
        nobody = await client.get(link.replace("AM-04", "AM-NOBODY"))
    assert (taken.status_code, nobody.status_code) == (404, 404)
    assert taken.json()["error"]["code"] == nobody.json()["error"]["code"] == "scope_not_found"
    assert seeded["AM-04"] not in taken.text


async def test_the_scope_picker_lists_the_callers_scopes_only(
    reporting_api: ServiceProcess, keycloak: Keycloak, seeded: dict[str, str]
) -> None:
    manager = (await get(reporting_api, keycloak, MANAGER, "/reporting/")).text
    supervisor = (await get(reporting_api, keycloak, SUPERVISOR, "/reporting/")).text
    admin = (await get(reporting_api, keycloak, ADMIN, "/reporting/")).text
    assert 'value="manager:AM-01"' in manager
    assert 'value="manager:AM-04"' not in manager
    assert 'value="company"' not in manager
    assert 'value="team:east"' in supervisor and 'value="manager:AM-02"' in supervisor
    assert 'value="team:south"' not in supervisor and 'value="company"' not in supervisor
    assert 'value="company"' in admin and 'value="manager:AM-04"' in admin

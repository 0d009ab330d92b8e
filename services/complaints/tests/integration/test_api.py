"""The JSON API on the real PostgreSQL: the flow, clocks, queue order, administration, the
regulator report, and bad input answered with a clear 4xx that leaves the ticket unchanged."""

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.clock import FixedClock
from chassis.db import alembic_config, asyncpg_url
from chassis.testing import Infrastructure, Keycloak, migrate_service, scratch_database
from complaints.adapters.documents import calendar_from_document, policy_from_document
from complaints.adapters.tables import calendars, sla_policies
from complaints.bootstrap import Complaints
from complaints.domain.policy import ClockTarget, TicketProfile
from complaints.entrypoints.api import create
from complaints.entrypoints.migrate import SERVICE_ROOT
from complaints_fixtures import ActingByRoute, new_ticket

pytestmark = pytest.mark.integration

RULES = [
    {
        "name": "base",
        "targets": {
            "respond": {"amount": 15, "unit": "minutes"},
            "confirm": {"amount": 1, "unit": "hours"},
            "resolve": {"amount": 24, "unit": "hours", "pausable": True},
            "feedback": {"amount": 48, "unit": "hours", "pausable": True},
        },
    },
    {"name": "major", "severity": 1, "targets": {"respond": {"amount": 5, "unit": "minutes"}}},
]


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


async def open_ticket(api: httpx.AsyncClient, account_id: str, **overrides: Any) -> dict[str, Any]:
    response = await api.post(
        "/api/v1/complaints/tickets", json=new_ticket(account_id, **overrides)
    )
    assert response.status_code == 201, response.text
    return response.json()


def clocks(ticket: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {clock["clock"]: clock for clock in ticket["clocks"]}


async def test_open_a_ticket_and_read_every_clock(api: httpx.AsyncClient, new_account: Any) -> None:
    account = await new_account(name="Golden Pharmacy")
    ticket = await open_ticket(api, account)
    assert ticket["status"] == "received"
    assert ticket["account_name"] == "Golden Pharmacy"
    assert ticket["order_refs"] == ["SO-77"]
    by_name = clocks(ticket)
    assert list(by_name) == ["respond", "confirm", "resolve", "feedback"]
    respond = by_name["respond"]
    assert (respond["state"], respond["budget_seconds"], respond["remaining_seconds"]) == (
        "running",
        900.0,
        900.0,
    )
    assert by_name["feedback"]["state"] == "pending"
    assert by_name["resolve"]["pausable"] is True
    again = await api.get(f"/api/v1/complaints/tickets/{ticket['id']}")
    assert again.json() == ticket


async def test_the_flow_through_the_api(
    api: httpx.AsyncClient, complaints: Complaints, new_account: Any
) -> None:
    ticket_id = (await open_ticket(api, await new_account()))["id"]
    clock = complaints.clock
    assert isinstance(clock, FixedClock)
    base = f"/api/v1/complaints/tickets/{ticket_id}"
    steps: list[tuple[str, dict[str, Any]]] = [
        ("acknowledge", {}),
        ("investigate", {"department": "logistics"}),
        ("clocks/resolve/pause", {"reason": "waiting for the customer's photos"}),
        ("clocks/resolve/resume", {}),
        ("propose-solution", {"remedy": "compensation", "solution": "credit note 5%"}),
        ("resolve", {"root_cause": "carrier delay"}),
        ("follow-up", {"note": "customer satisfied"}),
        ("close", {"satisfaction": 5}),
    ]
    for step, body in steps:
        clock.advance(timedelta(minutes=2))
        response = await api.post(f"{base}/{step}", json={**body})
        assert response.status_code == 200, (step, response.text)
    ticket = response.json()
    assert ticket["status"] == "closed"
    assert {name: c["outcome"] for name, c in clocks(ticket).items()} == {
        "respond": "met",
        "confirm": "met",
        "resolve": "met",
        "feedback": "met",
    }
    assert clocks(ticket)["resolve"]["paused_seconds"] == 120.0
    assert [h["action"] for h in ticket["history"] if h["actor"] == "CS-01"][:4] == [
        "filed",
        "acknowledged",
        "assigned",
        "investigating",
    ]


async def test_unknown_account_is_refused_with_a_clear_error(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/complaints/tickets", json=new_ticket("C-ghost"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_account"
    assert "C-ghost" in response.json()["error"]["message"]


async def test_bad_input_is_refused_before_anything_is_written(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    account = await new_account()
    response = await api.post(
        "/api/v1/complaints/tickets", json=new_ticket(account, severity=5, channel="fax")
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert {detail["field"] for detail in error["details"]} == {"body.severity", "body.channel"}
    listed = await api.get("/api/v1/complaints/tickets", params={"account_id": account})
    assert listed.json()["total"] == 0


async def test_an_invalid_step_is_refused_and_the_ticket_is_unchanged(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    ticket = await open_ticket(api, await new_account())
    base = f"/api/v1/complaints/tickets/{ticket['id']}"
    refused = [
        ("resolve", {"root_cause": "x"}, 409, "invalid_transition"),
        ("clocks/respond/pause", {"reason": "waiting"}, 409, "clock_not_pausable"),
        ("clocks/resolve/resume", {}, 409, "clock_not_paused"),
        ("returns/review", {"remedy": "refund"}, 409, "invalid_transition"),
        ("assign", {"department": "marketing"}, 422, "invalid_input"),
        ("clocks/nonsense/pause", {"reason": "x"}, 422, "invalid_input"),
    ]
    for step, body, status, code in refused:
        response = await api.post(f"{base}/{step}", json={**body})
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), step
    assert (await api.get(base)).json() == ticket


async def test_an_unknown_ticket_is_404(api: httpx.AsyncClient) -> None:
    response = await api.post("/api/v1/complaints/tickets/CMP-NOPE/acknowledge", json={})
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


async def test_the_queue_is_sorted_by_time_to_breach(
    api: httpx.AsyncClient, new_account: Any
) -> None:
    account = await new_account()
    minor = await open_ticket(api, account, severity=3)
    severe = await open_ticket(api, account, severity=1)  # respond in 5 minutes
    listed = (await api.get("/api/v1/complaints/tickets", params={"account_id": account})).json()
    assert [item["id"] for item in listed["items"]] == [severe["id"], minor["id"]]
    assert listed["items"][0]["next_deadline_at"] < listed["items"][1]["next_deadline_at"]


async def test_calendar_and_policy_administration(api: httpx.AsyncClient) -> None:
    calendar = {
        "time_zone": "Europe/Berlin",
        "week": {"monday": ["08:00-16:00"], "friday": ["08:00-12:00"]},
        "holidays": ["2026-12-25"],
    }
    created = await api.put("/api/v1/complaints/calendars/berlin-office", json=calendar)
    assert created.status_code == 200, created.text
    assert created.json()["week"]["monday"] == ["08:00-16:00"]
    assert created.json()["week"]["tuesday"] == []

    bad_zone = await api.put(
        "/api/v1/complaints/calendars/berlin-office", json={**calendar, "time_zone": "Mars/Base"}
    )
    assert (bad_zone.status_code, bad_zone.json()["error"]["code"]) == (422, "invalid_input")
    bad_hours = await api.put(
        "/api/v1/complaints/calendars/berlin-office",
        json={**calendar, "week": {"monday": ["16:00-08:00"]}},
    )
    assert bad_hours.status_code == 422
    unchanged = await api.get("/api/v1/complaints/calendars/berlin-office")
    assert unchanged.json()["version"] == 1

    policy = {
        "note": "berlin office",
        "rules": [
            {"targets": {"respond": {"amount": 2, "unit": "hours", "calendar": "berlin-office"}}}
        ],
    }
    missing_calendar = await api.post(
        "/api/v1/complaints/policies",
        json={
            **policy,
            "rules": [
                {"targets": {"respond": {"amount": 2, "unit": "hours", "calendar": "nowhere"}}}
            ],
        },
    )
    assert missing_calendar.status_code == 422
    published = await api.post("/api/v1/complaints/policies", json=policy)
    assert published.status_code == 201, published.text
    assert published.json()["active"] is True
    versions = (await api.get("/api/v1/complaints/policies")).json()
    assert [p["active"] for p in versions].count(True) == 1
    assert versions[0]["version"] == published.json()["version"]


async def test_standard_answers_are_kept_per_category(api: httpx.AsyncClient) -> None:
    created = await api.post(
        "/api/v1/complaints/standard-answers",
        json={"category": "price", "title": "Price change", "body": "Prices follow the list."},
    )
    assert created.status_code == 201
    listed = (
        await api.get("/api/v1/complaints/standard-answers", params={"category": "price"})
    ).json()
    assert "Price change" in [answer["title"] for answer in listed]


async def test_a_product_safety_ticket_records_its_report_to_the_regulator(
    api: httpx.AsyncClient, new_account: Any, activate_policy: Any
) -> None:
    safety_rule = {
        "name": "safety",
        "severity": 1,
        "category": "product_quality",
        "targets": {"regulator": {"amount": 24, "unit": "hours"}},
    }
    await activate_policy([*RULES, safety_rule])
    account = await new_account()
    safety = await open_ticket(api, account, severity=1, category="product_quality")
    assert clocks(safety)["regulator"]["state"] == "running"
    url = f"/api/v1/complaints/tickets/{safety['id']}/regulator-report"

    without_reference = await api.post(url, json={})
    assert without_reference.status_code == 422
    reported = await api.post(url, json={"reference": "NMPA-2026-117"})
    assert reported.status_code == 200, reported.text
    assert clocks(reported.json())["regulator"]["outcome"] == "met"
    assert reported.json()["history"][-2]["detail"] == {"reference": "NMPA-2026-117"}
    again = await api.post(url, json={"reference": "NMPA-2026-118"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "invalid_transition")

    ordinary = await open_ticket(api, account)
    refused = await api.post(
        f"/api/v1/complaints/tickets/{ordinary['id']}/regulator-report",
        json={"reference": "NMPA-2026-119"},
    )
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "invalid_input")
    assert "regulator" in refused.json()["error"]["message"]


async def test_the_migrated_policy_gives_product_safety_issues_the_regulator_clock(
    infrastructure: Infrastructure,
) -> None:
    async with scratch_database(infrastructure, "rapport_migrate") as database:
        url = migrate_service(infrastructure, "complaints", database=database)
        engine = create_async_engine(asyncpg_url(url))
        try:
            async with engine.connect() as connection:
                policies = (
                    await connection.execute(
                        select(
                            sla_policies.c.version, sla_policies.c.active, sla_policies.c.document
                        ).order_by(sla_policies.c.version)
                    )
                ).all()
        finally:
            await engine.dispose()
    assert [(version, active) for version, active, _ in policies] == [(1, False), (2, True)]
    seeded, current = (policy_from_document(v, document) for v, _, document in policies)
    safety = TicketProfile(severity=1, category="product_quality", tier=None, vip=False)
    assert "regulator" not in seeded.targets_for(safety)
    assert current.targets_for(safety)["regulator"] == ClockTarget(24, "hours")
    # Everything else is as it was.
    assert current.rules[:-1] == seeded.rules


async def test_the_migrated_default_calendar_names_china_s_holidays_and_old_dates_get_names(
    infrastructure: Infrastructure,
) -> None:
    """Revision 0007: the untouched default calendar gets China's 2026 and 2027 public holidays,
    each named in both languages; a calendar's bare dates become holidays without a name; and
    the downgrade gives the bare dates back."""
    async with scratch_database(infrastructure, "rapport_holidays") as database:
        url = migrate_service(infrastructure, "complaints", database=database)
        config = alembic_config(SERVICE_ROOT, url)
        engine = create_async_engine(asyncpg_url(url))
        try:
            async with engine.connect() as connection:
                default = (
                    await connection.execute(select(calendars).where(calendars.c.name == "default"))
                ).one()
            await asyncio.to_thread(command.downgrade, config, "0006")
            async with engine.begin() as connection:
                downgraded = await connection.scalar(
                    select(calendars.c.holidays).where(calendars.c.name == "default")
                )
                await connection.execute(
                    insert(calendars).values(
                        name="plant",
                        version=1,
                        time_zone="Asia/Shanghai",
                        week={"monday": ["09:00-18:00"]},
                        holidays=["2026-10-01", "2026-10-02"],
                        updated_by="adm-01",
                    )
                )
            await asyncio.to_thread(command.upgrade, config, "head")
            async with engine.connect() as connection:
                rows = await connection.execute(select(calendars.c.name, calendars.c.holidays))
                upgraded = {name: holidays for name, holidays in rows}
        finally:
            await engine.dispose()
    assert default.version == 2
    assert {
        "date": "2026-10-01",
        "name": {"en": "National Day", "zh": "国庆节"},
    } in default.holidays
    assert {
        "date": "2027-02-06",
        "name": {"en": "Spring Festival", "zh": "春节"},
    } in default.holidays
    assert len(default.holidays) == 33 + 13
    seeded = calendar_from_document(
        name="default",
        version=default.version,
        time_zone=default.time_zone,
        week=default.week,
        holidays=default.holidays,
    )
    assert seeded.open_periods(date(2026, 10, 1)) == []  # a Thursday
    assert seeded.open_periods(date(2026, 10, 8)) != []
    assert downgraded == []
    assert upgraded["default"] == default.holidays
    assert upgraded["plant"] == [
        {"date": "2026-10-01", "name": {"en": "", "zh": ""}},
        {"date": "2026-10-02", "name": {"en": "", "zh": ""}},
    ]

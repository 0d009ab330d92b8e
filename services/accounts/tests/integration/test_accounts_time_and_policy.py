"""Time-driven evaluation and policy activation through the real Kafka broker and PostgreSQL.

The accounts worker and API run in this process with an injected clock (chassis.clock) on a
database of their own, so moving time and switching the tier policy touch no other test.
Time moves only when a test says so; the tests wait on conditions, never on sleeps.
"""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
import uvicorn
from sqlalchemy import text

from accounts.adapters.tables import timers
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.entrypoints import worker
from accounts.entrypoints.api import create
from accounts_fixtures import ADMIN, MANAGER, SUPERVISOR, Erp, SignedInByRoute, prepare_accounts
from chassis.clock import FixedClock
from chassis.kafka import KafkaConnection
from chassis.scheduler import timer_channel
from chassis.testing import (
    Infrastructure,
    Keycloak,
    create_database,
    eventually,
    read_topic,
    unique,
)
from contracts import erp_v1
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.complaints_v1 import TicketFiled
from contracts.engagement_v1 import FeedbackRecorded

pytestmark = pytest.mark.integration

DATABASE = "rapport_test_accounts_clock"


@dataclass
class ClockedStack:
    """The accounts API and worker in this process, on their own database, with a test clock."""

    app: Accounts
    clock: FixedClock
    api_url: str
    kafka: KafkaConnection
    keycloak: Keycloak

    async def advance(self, delta: timedelta) -> None:
        """Move time, and wake the timer scheduler so it looks at the new time at once."""
        self.clock.advance(delta)
        async with self.app.engine.connect() as connection:
            await connection.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": timer_channel(timers)}
            )
            await connection.commit()

    def client(self) -> httpx.AsyncClient:
        """A client of the API as AM-01 (tier policies as the admin)."""
        return httpx.AsyncClient(
            base_url=self.api_url, timeout=30, auth=SignedInByRoute(self.keycloak)
        )

    async def get(self, path: str) -> Any:
        async with self.client() as client:
            response = await client.get(path)
            response.raise_for_status()
            return response.json()

    async def post(self, path: str, body: dict[str, Any], user: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.api_url, timeout=60) as client:
            return await client.post(path, json=body, headers=self.keycloak.bearer(user))


async def wait_ready(url: str) -> None:
    async def ready() -> bool:
        try:
            async with httpx.AsyncClient(timeout=1) as client:
                return (await client.get(f"{url}/readyz")).status_code == 200
        except httpx.HTTPError:
            return False

    await eventually(ready, within=60)


@pytest.fixture(scope="module")
async def stack(infrastructure: Infrastructure, keycloak: Keycloak) -> AsyncIterator[ClockedStack]:
    await create_database(infrastructure, DATABASE)
    env = (await prepare_accounts(infrastructure, database=DATABASE)).env
    settings = AccountsSettings(
        database_url=env["ACCOUNTS_DATABASE_URL"],
        kafka_bootstrap_servers=env["ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS"],
        kafka_username=env["ACCOUNTS_KAFKA_USERNAME"],
        kafka_password=env["ACCOUNTS_KAFKA_PASSWORD"],
        consumer_group_prefix=env["ACCOUNTS_CONSUMER_GROUP_PREFIX"],
        api_port=int(env["ACCOUNTS_API_PORT"]),
        worker_port=int(env["ACCOUNTS_WORKER_PORT"]),
        outbox_poll_seconds=0.2,
    )
    clock = FixedClock(datetime.now(UTC).replace(microsecond=0))
    app = bootstrap(settings, clock)
    worker_task = asyncio.create_task(worker.run(app))
    api = uvicorn.Server(
        uvicorn.Config(create(app), host="127.0.0.1", port=settings.api_port, log_config=None)
    )
    api_task = asyncio.create_task(api.serve())
    api_url = f"http://127.0.0.1:{settings.api_port}"
    await wait_ready(f"http://127.0.0.1:{settings.worker_port}")
    await wait_ready(api_url)
    yield ClockedStack(app, clock, api_url, infrastructure.kafka, keycloak)
    api.should_exit = True
    await api_task
    worker_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker_task


def order(customer: str, order_id: str, total: str, placed_at: datetime) -> erp_v1.OrderPlaced:
    return erp_v1.OrderPlaced(
        order_id=order_id,
        customer_id=customer,
        placed_at=placed_at,
        currency="CNY",
        total=Decimal(total),
    )


async def events_of(
    kafka: KafkaConnection, account_id: str, kind: str, until: Any
) -> list[dict[str, Any]]:
    """The data of the account's events of one kind, read until `until(data)` holds."""
    records = await read_topic(
        kafka,
        ACCOUNTS_TOPIC,
        keep=lambda record: (
            record.key == account_id.encode()
            and json.loads(record.value)["type"] == f"accounts.account.{kind}.v1"
        ),
        until=lambda kept: until([json.loads(r.value)["data"] for r in kept]),
    )
    return [json.loads(record.value)["data"] for record in records]


async def account_with(stack: ClockedStack, account_id: str, **expected: Any) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        async with stack.client() as client:
            response = await client.get(f"/api/v1/accounts/{account_id}")
        found = response.json() if response.status_code == 200 else None
        if found and all(found[key] == value for key, value in expected.items()):
            return found
        return None

    return await eventually(probe, within=60)


async def test_usual_gap_30_days_and_last_order_61_days_ago_is_at_risk_then_reactivated(
    stack: ClockedStack, erp: Erp
) -> None:
    customer = unique("LC")
    now = stack.clock.now()
    # Orders every 30 days, the last one 31 days ago: active, at risk after 60 days.
    await erp.publish(
        erp.customer(customer),
        *[
            order(customer, f"{customer}-{n}", "1000.00", now - timedelta(days=31 + 30 * n))
            for n in range(4)
        ],
    )
    active = await account_with(stack, customer, lifecycle_stage="active")
    assert active["last_order_at"].startswith((now - timedelta(days=31)).date().isoformat())

    # 30 days later the last order is 61 days old; no event arrives, the timer fires.
    await stack.advance(timedelta(days=30))
    await account_with(stack, customer, lifecycle_stage="at_risk")
    changes = await events_of(
        stack.kafka,
        customer,
        "lifecycle_changed",
        lambda kept: any(e["stage"] == "at_risk" for e in kept),
    )
    at_risk = next(e for e in changes if e["stage"] == "at_risk")
    assert at_risk["previous_stage"] == "active"
    assert at_risk["usual_interval_days"] == 30
    assert "2 x the usual interval of 30 days = 60 days" in at_risk["reason"]
    assert at_risk["changed_at"].startswith(stack.clock.now().date().isoformat())

    # A new order brings it back.
    await erp.publish(order(customer, f"{customer}-new", "1000.00", stack.clock.now()))
    await account_with(stack, customer, lifecycle_stage="active")
    changes = await events_of(
        stack.kafka,
        customer,
        "lifecycle_changed",
        lambda kept: any(e["reactivated"] for e in kept),
    )
    back = next(e for e in changes if e["reactivated"])
    assert (back["previous_stage"], back["stage"]) == ("at_risk", "active")
    history = await stack.get(f"/api/v1/accounts/{customer}/lifecycle-history")
    # Newest first; before these, the first batches may have shown it as new.
    assert [h["stage"] for h in history][:3] == ["active", "at_risk", "active"]


async def test_an_order_ageing_out_changes_the_classes_on_that_day_with_no_event(
    stack: ClockedStack, erp: Erp
) -> None:
    customer = unique("AG")
    now = stack.clock.now()
    oldest = now - timedelta(days=360)
    await erp.publish(
        erp.customer(customer),
        order(customer, f"{customer}-old", "100000.00", oldest),
        *[
            order(customer, f"{customer}-{n}", "100000.00", now - timedelta(days=10 + 20 * n))
            for n in range(4)
        ],
    )
    await account_with(
        stack, customer, order_count_12m=5, value_class="high", frequency_class="high"
    )

    # Four days later the oldest order is 364 days old: it still counts.
    await stack.advance(timedelta(days=4))
    assert (await stack.get(f"/api/v1/accounts/{customer}"))["order_count_12m"] == 5
    # On the day it is 12 months and a day old it no longer counts.
    await stack.advance(timedelta(days=2))
    aged = await account_with(stack, customer, order_count_12m=4)
    assert (aged["value_class"], aged["frequency_class"]) == ("medium", "medium")
    tiers = await events_of(
        stack.kafka,
        customer,
        "classified",
        lambda kept: any(aged_out(e) for e in kept),
    )
    # The first batches may already have passed through medium on the way up: the ageing
    # out is the step down from high.
    change = next(e for e in tiers if aged_out(e))
    assert "4 orders in 12 months" in change["reason"]
    assert change["policy_version"] is not None


def aged_out(event: dict[str, Any]) -> bool:
    return event["frequency_class"] == "medium" and event["previous_frequency_class"] == "high"


async def test_feedback_and_complaints_feed_the_scorecard_and_the_explanation_says_so(
    stack: ClockedStack, erp: Erp
) -> None:
    customer = unique("SG")
    now = stack.clock.now()
    await erp.publish(
        erp.customer(customer),
        *[
            order(customer, f"{customer}-{n}", "100000.00", now - timedelta(days=5 + 30 * n))
            for n in range(5)
        ],
    )
    await account_with(stack, customer, order_count_12m=5)
    before = await stack.get(f"/api/v1/accounts/{customer}/explanation")
    assert "satisfaction" in before["now"]["missing"]
    assert any("no satisfaction feedback" in sentence for sentence in before["why"])

    await erp.publish(
        FeedbackRecorded(
            feedback_id=unique("FB"),
            account_id=customer,
            csat=5,
            nps=10,
            context="visit",
            responded_at=now - timedelta(days=1),
        ),
        TicketFiled(
            ticket_id=unique("T"),
            account_id=customer,
            channel="hotline",
            category="delivery",
            severity=3,
            policy_version=1,
            filed_by="CS-01",
            filed_at=now - timedelta(days=2),
        ),
    )

    async def scored() -> dict[str, Any] | None:
        found = await stack.get(f"/api/v1/accounts/{customer}/explanation")
        indicators = {i["indicator"]: i for i in found["now"]["indicators"]}
        ready = indicators["satisfaction"]["score"] and indicators["complaint_rate"]["score"]
        return found if ready else None

    after = await eventually(scored)
    indicators = {i["indicator"]: i for i in after["now"]["indicators"]}
    assert indicators["satisfaction"]["score"] == "100.0"
    assert indicators["complaint_rate"]["score"] == "60.0"  # 1 complaint for 5 orders
    assert after["now"]["missing"] == []


async def test_a_policy_change_retiers_the_expected_accounts_and_publishes_exactly_those(
    stack: ClockedStack, erp: Erp
) -> None:
    now = stack.clock.now()
    strong, middle, weak = unique("PA"), unique("PB"), unique("PD")
    # Scorecards, whether or not the complaints feed has started in this database: strong
    # scores 80 or more (A), middle 68-72 (B; A once A starts at 65), weak 32-40 (C or D).
    plans = {strong: 6, middle: 4, weak: 1}
    for customer, count in plans.items():
        await erp.publish(
            erp.customer(customer),
            *[
                order(customer, f"{customer}-{n}", "100000.00", now - timedelta(days=3 + n))
                for n in range(count)
            ],
        )
    await account_with(stack, strong, grade="A")
    await account_with(stack, middle, grade="B")
    weak_grade = (await account_with(stack, weak, order_count_12m=1))["grade"]
    assert weak_grade in ("C", "D")
    # Let the pending ABC refresh run, so activation changes only what the policy changes.
    await stack.advance(timedelta(seconds=stack.app.settings.abc_refresh_delay_seconds + 1))

    async def ranked() -> bool:
        found = [await stack.get(f"/api/v1/accounts/{c}") for c in (strong, middle, weak)]
        return all(account["abc_class"] for account in found)

    await eventually(ranked)

    active = (await stack.get("/api/v1/accounts/tier-policies"))[0]
    draft = {**active["policy"], "grade_a": "65", "grade_b": "50"}
    created = await stack.post(
        "/api/v1/accounts/tier-policies", {"policy": draft, "note": "A from 65"}, ADMIN
    )
    assert created.status_code == 201, created.text
    version = created.json()["version"]

    preview = await stack.post(f"/api/v1/accounts/tier-policies/{version}/preview", {}, ADMIN)
    changes = {c["account_id"]: c for c in preview.json()["changes"]}
    assert middle in changes and strong not in changes and weak not in changes
    assert (changes[middle]["before"]["grade"], changes[middle]["after"]["grade"]) == ("B", "A")
    assert preview.json()["distribution_after"]["grade"]["A"] == (
        preview.json()["distribution_now"]["grade"].get("A", 0)
        + sum(
            1
            for c in changes.values()
            if c["after"]["grade"] == "A" and c["before"]["grade"] != "A"
        )
        - sum(
            1
            for c in changes.values()
            if c["before"]["grade"] == "A" and c["after"]["grade"] != "A"
        )
    )
    # Nothing was applied by the preview.
    assert (await stack.get(f"/api/v1/accounts/{middle}"))["grade"] == "B"

    for someone_else in (MANAGER, SUPERVISOR):
        refused = await stack.post(
            f"/api/v1/accounts/tier-policies/{version}/activate", {}, someone_else
        )
        assert refused.status_code == 403
    activated = await stack.post(f"/api/v1/accounts/tier-policies/{version}/activate", {}, ADMIN)
    assert activated.status_code == 200, activated.text
    changed = set(activated.json()["changed_accounts"])
    assert changed == set(changes)

    assert (await stack.get(f"/api/v1/accounts/{middle}"))["grade"] == "A"
    published = await read_topic(
        stack.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda record: (
            json.loads(record.value)["type"] == "accounts.account.classified.v1"
            and json.loads(record.value)["data"].get("policy_version") == version
            and record.key.decode() in {strong, middle, weak} | changed
        ),
        until=lambda kept: len(kept) >= len(changed),
    )
    assert sorted(r.key.decode() for r in published) == sorted(changed)
    event = next(json.loads(r.value)["data"] for r in published if r.key.decode() == middle)
    assert (event["previous_grade"], event["grade"]) == ("B", "A")
    assert "grade B -> A: scorecard" in event["reason"] and ">= 65" in event["reason"]
    assert (await stack.get(f"/api/v1/accounts/{middle}/tier-history"))[0][
        "policy_version"
    ] == version

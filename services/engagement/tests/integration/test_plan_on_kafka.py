"""The plan end to end: the real worker process, the real broker and PostgreSQL. Events go in
on the accounts, ERP and complaints topics; the plan comes out in the database and on
`engagement.plan.v1`."""

import json
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chassis.db import asyncpg_url
from chassis.testing import (
    Infrastructure,
    ServiceProcess,
    ServiceUnderTest,
    eventually,
    read_topic,
    unique,
)
from contracts import accounts_v1, complaints_v1, engagement_v1
from contracts.envelope import CloudEvent, EventData
from engagement.adapters.tables import orders, plan_items
from engagement.domain.cadence import DEFAULT_POLICY, replan
from engagement.domain.follow_ups import first_order_calls
from engagement.domain.plan import PlanItem
from engagement_fixtures import classified, order_placed, registered

pytestmark = pytest.mark.integration

SHANGHAI_OFFSET = timedelta(hours=8)


def shanghai_day(moment: datetime) -> date:
    return (moment.astimezone(UTC) + SHANGHAI_OFFSET).date()


@pytest.fixture
async def worker(engagement_service: ServiceUnderTest) -> AsyncIterator[ServiceProcess]:
    async with engagement_service.running("worker") as processes:
        yield processes["worker"]


@pytest.fixture
async def database(engagement_service: ServiceUnderTest) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(asyncpg_url(engagement_service.database_url))
    yield engine
    await engine.dispose()


async def publish(
    producer: AIOKafkaProducer, data: EventData, *, envelope: CloudEvent | None = None
) -> CloudEvent:
    """Send an event as its owner would (the whole value is the CloudEvent)."""
    envelope = envelope or CloudEvent.wrap(data, source=data.topic.split(".")[0])
    await producer.send_and_wait(
        data.topic,
        envelope.model_dump_json().encode(),
        key=data.subject().encode(),
    )
    return envelope


def as_item(row: dict[str, Any]) -> PlanItem:
    """A plan item as the domain sees it, from its row."""
    return PlanItem(**{f.name: row[f.name] for f in fields(PlanItem) if f.name != "events"})


async def items_of(database: AsyncEngine, account_id: str) -> list[dict[str, Any]]:
    async with database.connect() as connection:
        rows = await connection.execute(
            select(plan_items)
            .where(plan_items.c.account_id == account_id)
            .order_by(plan_items.c.due_on, plan_items.c.item_id)
        )
        return [dict(row._mapping) for row in rows]


async def order_known(database: AsyncEngine, order_id: str) -> bool:
    async with database.connect() as connection:
        count = await connection.scalar(
            select(func.count()).select_from(orders).where(orders.c.order_id == order_id)
        )
    return bool(count)


async def plan_events(
    infrastructure: Infrastructure,
    account_id: str,
    *,
    until: Callable[[list[dict[str, Any]]], bool],
) -> list[dict[str, Any]]:
    """The account's events on the plan topic (CloudEvents as dicts), once `until` holds."""
    records = await read_topic(
        infrastructure.kafka,
        engagement_v1.PLAN_TOPIC,
        keep=lambda record: record.key == account_id.encode(),
        until=lambda kept: until([json.loads(record.value) for record in kept]),
    )
    return [json.loads(record.value) for record in records]


def of_type(events: list[dict[str, Any]], event: type[EventData]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == event.event_type]


async def test_a_first_order_plans_three_calls_once_whatever_is_redelivered(
    worker: ServiceProcess, kafka_producer: AIOKafkaProducer, database: AsyncEngine
) -> None:
    account_id = unique("C")
    await publish(kafka_producer, registered(account_id, manager="AM-01"))
    placed_at = datetime.now(UTC) - timedelta(hours=1)
    first = order_placed(account_id, at=placed_at)
    envelope = await publish(kafka_producer, first)
    # The ERP delivers the same event again, then sends the customer's second order.
    await publish(kafka_producer, first, envelope=envelope)
    second = order_placed(account_id, at=placed_at + timedelta(minutes=30))
    await publish(kafka_producer, second)

    await eventually(lambda: order_known(database, second.order_id))
    expected = first_order_calls(shanghai_day(placed_at))

    async def follow_ups_of_the_manager() -> list[dict[str, Any]] | None:
        # The accounts and orders topics are read independently: an order seen before its
        # account gets its owner when the account arrives.
        items = [i for i in await items_of(database, account_id) if i["trigger"] == "first_order"]
        return items if {i["owner"] for i in items} == {"AM-01"} else None

    follow_ups = await eventually(follow_ups_of_the_manager)
    assert sorted((i["origin"], i["due_on"], i["window_end"]) for i in follow_ups) == sorted(
        expected
    )


async def test_the_worker_exports_the_plan_by_state(
    worker: ServiceProcess, kafka_producer: AIOKafkaProducer, database: AsyncEngine
) -> None:
    account_id = unique("C")
    await publish(kafka_producer, registered(account_id, manager="AM-02"))
    await publish(kafka_producer, order_placed(account_id, at=datetime.now(UTC)))
    await eventually(lambda: items_of(database, account_id))

    async def metrics_agree_with_the_database() -> bool:
        async with database.connect() as connection:
            planned = await connection.scalar(
                select(func.count()).where(plan_items.c.state == "planned")
            )
        async with httpx.AsyncClient(base_url=worker.base_url) as client:
            text = (await client.get("/metrics")).text
        exported = [
            float(line.split()[-1])
            for line in text.splitlines()
            if line.startswith('rapport_engagement_plan_items{state="planned"}')
        ]
        return bool(planned) and exported == [float(planned or 0)]

    await eventually(metrics_agree_with_the_database)


async def test_reclassified_from_a_to_c_its_future_visits_move_to_quarterly(
    worker: ServiceProcess,
    kafka_producer: AIOKafkaProducer,
    database: AsyncEngine,
    infrastructure: Infrastructure,
) -> None:
    account_id = unique("C")
    today = shanghai_day(datetime.now(UTC))
    await publish(kafka_producer, registered(account_id, manager="AM-02"))
    await publish(kafka_producer, classified(account_id, grade="A"))
    fresh_a = replan(
        policy=DEFAULT_POLICY,
        tier="A",
        account_id=account_id,
        today=today,
        last_done=None,
        items=[],
    )
    wanted_a = [visit.due_on for visit in fresh_a.add]

    async def cadence_items() -> list[dict[str, Any]] | None:
        items = [i for i in await items_of(database, account_id) if i["origin"] == "cadence"]
        return items or None

    planned_a = await eventually(cadence_items)
    assert [item["due_on"] for item in planned_a] == wanted_a

    await publish(kafka_producer, classified(account_id, grade="C"))
    decision = replan(
        policy=DEFAULT_POLICY,
        tier="C",
        account_id=account_id,
        today=today,
        last_done=None,
        items=[as_item(row) for row in planned_a],
    )
    expected_changes = len(decision.cancel) + len(decision.add)
    assert expected_changes > 0

    def after_reclassification(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        planned_ids = {i["item_id"] for i in planned_a}
        return [
            e
            for e in events
            if e["data"].get("origin") == "cadence"
            and (
                e["type"] == engagement_v1.PlanItemCancelled.event_type
                or (
                    e["type"] == engagement_v1.PlanItemPlanned.event_type
                    and e["data"]["item_id"] not in planned_ids
                )
            )
        ]

    events = await plan_events(
        infrastructure,
        account_id,
        until=lambda kept: len(after_reclassification(kept)) >= expected_changes,
    )
    changes = after_reclassification(events)
    cancelled = of_type(changes, engagement_v1.PlanItemCancelled)
    added = of_type(changes, engagement_v1.PlanItemPlanned)
    assert sorted(e["data"]["item_id"] for e in cancelled) == sorted(
        c.item_id for c in decision.cancel
    )
    assert {e["data"]["reason"] for e in cancelled} <= {"replanned"}
    assert sorted(date.fromisoformat(e["data"]["due_on"]) for e in added) == sorted(
        visit.due_on for visit in decision.add
    )
    open_cadence = [
        i["item_id"]
        for i in await items_of(database, account_id)
        if i["origin"] == "cadence" and i["state"] == "planned"
    ]
    kept_or_added = [*decision.keep, *(e["data"]["item_id"] for e in added)]
    assert sorted(open_cadence) == sorted(kept_or_added)


async def test_an_account_going_at_risk_gets_a_retention_visit_within_seven_days(
    worker: ServiceProcess, kafka_producer: AIOKafkaProducer, infrastructure: Infrastructure
) -> None:
    account_id = unique("C")
    await publish(kafka_producer, registered(account_id, manager="AM-03"))
    changed_at = datetime.now(UTC)
    await publish(
        kafka_producer,
        accounts_v1.AccountLifecycleChanged(
            account_id=account_id,
            stage="at_risk",
            previous_stage="active",
            reason="no order for twice its usual interval",
            changed_at=changed_at,
        ),
    )
    events = await plan_events(
        infrastructure,
        account_id,
        until=lambda kept: any(e["data"].get("origin") == "retention" for e in kept),
    )
    retention = next(e["data"] for e in events if e["data"].get("origin") == "retention")
    assert retention["kind"] == "visit"
    assert retention["owner"] == "AM-03"
    assert date.fromisoformat(retention["window_end"]) <= shanghai_day(changed_at) + timedelta(
        days=7
    )


async def test_a_withdrawn_consent_on_the_topic_cancels_the_contacts_care_touch(
    worker: ServiceProcess, kafka_producer: AIOKafkaProducer, database: AsyncEngine
) -> None:
    account_id = unique("C")
    birthday = shanghai_day(datetime.now(UTC)) + timedelta(days=5)
    await publish(kafka_producer, registered(account_id, manager="AM-03"))
    await publish(
        kafka_producer,
        accounts_v1.AccountKeyDatesChanged(
            account_id=account_id,
            card_version=1,
            key_dates=[
                accounts_v1.KeyDate(
                    reference=reference, kind="birthday", month=birthday.month, day=birthday.day
                )
                for reference in ("CT-1", "CT-2")
            ],
            changed_at=datetime.now(UTC),
        ),
    )

    async def touches(wanted: dict[str, str]) -> dict[str, str] | None:
        found = {
            item["trigger"].split(":")[1]: item["state"]
            for item in await items_of(database, account_id)
            if item["origin"] == "birthday"
        }
        return found if found == wanted else None

    await eventually(lambda: touches({"CT-1": "planned", "CT-2": "planned"}))
    await publish(
        kafka_producer,
        accounts_v1.AccountContactConsentChanged(
            account_id=account_id,
            contact_reference="CT-1",
            state="withdrawn",
            recorded_by="AM-03",
            changed_at=datetime.now(UTC),
        ),
    )
    await eventually(lambda: touches({"CT-1": "cancelled", "CT-2": "planned"}))


async def test_a_resolved_complaint_gets_a_follow_up_call(
    worker: ServiceProcess, kafka_producer: AIOKafkaProducer, database: AsyncEngine
) -> None:
    account_id = unique("C")
    await publish(kafka_producer, registered(account_id, manager="AM-04"))
    ticket_id = unique("CMP")
    resolved_at = datetime.now(UTC)
    resolved = complaints_v1.TicketResolved(
        ticket_id=ticket_id,
        account_id=account_id,
        category="product_quality",
        resolved_by="H-1",
        resolved_at=resolved_at,
    )
    envelope = await publish(kafka_producer, resolved)
    await publish(kafka_producer, resolved, envelope=envelope)
    await publish(
        kafka_producer,
        complaints_v1.TicketClosed(
            ticket_id=ticket_id, account_id=account_id, closed_by="H-1", closed_at=resolved_at
        ),
    )

    async def follow_ups_of_the_manager() -> list[dict[str, Any]] | None:
        items = [
            i for i in await items_of(database, account_id) if i["origin"] == "complaint_follow_up"
        ]
        return items if {i["owner"] for i in items} == {"AM-04"} else None

    follow_ups = await eventually(follow_ups_of_the_manager)
    assert len(follow_ups) == 1
    assert follow_ups[0]["trigger"] == f"ticket:{ticket_id}"
    assert follow_ups[0]["kind"] == "follow_up"
    assert follow_ups[0]["due_on"] > shanghai_day(resolved_at)


async def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(
    engagement_service: ServiceUnderTest,
    kafka_producer: AIOKafkaProducer,
    database: AsyncEngine,
) -> None:
    accounts = [unique("C") for _ in range(150)]
    placed_at = datetime.now(UTC) - timedelta(hours=2)
    last_orders = []
    for account_id in accounts:
        await publish(kafka_producer, registered(account_id, manager="AM-05"))
        last = order_placed(account_id, at=placed_at)
        last_orders.append(last)
        await publish(kafka_producer, last)
    worker = engagement_service.process("worker").start()
    try:
        await worker.wait_ready()

        async def some_planned() -> bool:
            async with database.connect() as connection:
                count = await connection.scalar(
                    select(func.count())
                    .select_from(plan_items)
                    .where(plan_items.c.account_id.in_(accounts))
                )
            return bool(count)

        await eventually(some_planned)
        worker.process.send_signal(signal.SIGKILL)
        await worker.wait_exit()
    finally:
        worker.stop()
    async with engagement_service.running("worker"):

        async def all_follow_ups() -> list[Any] | None:
            async with database.connect() as connection:
                rows = (
                    await connection.execute(
                        select(plan_items.c.account_id, func.count())
                        .where(
                            plan_items.c.account_id.in_(accounts),
                            plan_items.c.trigger == "first_order",
                        )
                        .group_by(plan_items.c.account_id)
                    )
                ).all()
            return rows if len(rows) == len(accounts) else None

        counts = await eventually(all_follow_ups, within=120)
    assert {count for _, count in counts} == {3}

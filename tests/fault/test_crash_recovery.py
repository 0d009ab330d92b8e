"""Kill -9 at the two dangerous moments; nothing is lost and nothing is counted twice."""

import json
import signal
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.kafka import KafkaBroker
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from accounts_fixtures import prepare_accounts
from chassis.db import asyncpg_url
from chassis.inbox import inbox_table, new_events
from chassis.kafka import BatchConsumer, ReceivedEvent
from chassis.testing import (
    Infrastructure,
    ServiceProcess,
    ServiceUnderTest,
    eventually,
    read_topic,
    scratch_database,
    unique,
)
from contracts import accounts_v1
from contracts.accounts_v1 import ACCOUNTS_TOPIC

pytestmark = pytest.mark.integration

HARNESS = str(Path(__file__).with_name("crashing_worker.py"))


@pytest.fixture
async def fault_accounts(infrastructure: Infrastructure) -> AsyncIterator[ServiceUnderTest]:
    """A database of its own, and consumer groups that start after everything already published."""
    async with scratch_database(infrastructure, "rapport_fault") as database:
        yield await prepare_accounts(infrastructure, database=database)


@pytest.fixture
async def accounts_db(fault_accounts: ServiceUnderTest) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(asyncpg_url(fault_accounts.database_url))
    yield engine
    await engine.dispose()


async def figures(engine: AsyncEngine, account_id: str) -> tuple[int, str] | None:
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT order_count_12m, net_revenue_12m::text FROM accounts.accounts "
                    "WHERE account_id = :id"
                ),
                {"id": account_id},
            )
        ).first()
    return (row[0], row[1]) if row else None


async def metric(worker: ServiceProcess, name: str) -> float:
    async with httpx.AsyncClient() as client:
        body = (await client.get(f"{worker.base_url}/metrics")).text
    return sum(float(line.split()[-1]) for line in body.splitlines() if line.startswith(name + "{"))


async def test_worker_killed_between_database_commit_and_offset_commit(
    erp: Any, fault_accounts: ServiceUnderTest, accounts_db: AsyncEngine
) -> None:
    customer = unique("C")
    crashing = fault_accounts.process("worker", argv=[HARNESS, "after-db-commit", customer]).start()
    await crashing.wait_ready()
    await erp.publish(
        erp.customer(customer),
        *[erp.order(customer, f"{customer}-SO{i}", "1000.00") for i in range(3)],
    )
    assert await crashing.wait_exit() == -signal.SIGKILL
    committed = await figures(accounts_db, customer)
    assert committed is not None, "the batch's database commit happened before the kill"

    restarted = fault_accounts.process("worker").start()
    try:
        await restarted.wait_ready()
        await erp.publish(erp.order(customer, f"{customer}-LAST", "1.00"))

        async def settled() -> tuple[int, str] | None:
            found = await figures(accounts_db, customer)
            return found if found == (4, "3001.00") else None

        await eventually(settled)
        # The uncommitted batch was delivered again and dropped by the inbox.
        assert await metric(restarted, "rapport_inbox_duplicates_total") >= 1
    finally:
        restarted.stop()


async def test_relay_killed_between_publish_and_mark_sent(
    erp: Any,
    fault_accounts: ServiceUnderTest,
    infrastructure: Infrastructure,
    accounts_db: AsyncEngine,
) -> None:
    customer = unique("C")
    crashing = fault_accounts.process("worker", argv=[HARNESS, "after-publish", customer]).start()
    await crashing.wait_ready()
    await erp.publish(erp.customer(customer), erp.order(customer, f"{customer}-SO1", "9.00"))
    assert await crashing.wait_exit() == -signal.SIGKILL

    restarted = fault_accounts.process("worker").start()
    try:
        await restarted.wait_ready()
        # This worker's own events (other accounts workers share the topic): all sent at last.
        ours = await eventually(lambda: sent_events(accounts_db, customer))
        # What the killed relay had published comes again, under the same CloudEvent id.
        published = await read_topic(
            infrastructure.kafka,
            ACCOUNTS_TOPIC,
            keep=lambda record: json.loads(record.value)["id"] in ours,
            until=lambda kept: event_ids(kept) == ours.keys() and len(kept) > len(ours),
        )
    finally:
        restarted.stop()

    tally, seen = await downstream_tally(infrastructure, ours, expected_records=len(published))
    assert len(seen) > len(set(seen)), "the downstream consumer received the duplicate"
    assert tally == dict(Counter(ours.values()))
    assert tally["accounts.account.registered.v1"] == 1


async def sent_events(engine: AsyncEngine, account_id: str) -> dict[str, str] | None:
    """Event id -> type of the account's outbox rows, once there are some and all are sent."""
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT event_id, payload->>'type', sent_at IS NOT NULL "
                    "FROM accounts.outbox WHERE key = :key"
                ),
                {"key": account_id},
            )
        ).all()
    if rows and all(sent for _, _, sent in rows):
        return {event_id: event_type for event_id, event_type, _ in rows}
    return None


def event_ids(records: list[Any]) -> set[str]:
    return {json.loads(record.value)["id"] for record in records}


async def downstream_tally(
    infrastructure: Infrastructure, ids: Mapping[str, str], *, expected_records: int
) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """A downstream consumer built like every service's: batch subscriber plus inbox."""
    schema = unique("downstream").replace("-", "_")
    metadata = MetaData(schema=schema)
    inbox = inbox_table(metadata)
    tally = Table(
        "tally",
        metadata,
        Column("event_type", String(200), primary_key=True),
        Column("events", Integer, nullable=False),
    )
    engine = create_async_engine(infrastructure.admin_database_url)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    seen: list[tuple[str, str]] = []

    async def handle(events: list[ReceivedEvent]) -> None:
        mine = [event for event in events if event.id in ids]
        seen.extend((event.id, event.envelope.type) for event in mine)
        async with sessions() as session, session.begin():
            for event in await new_events(session, inbox, consumer="downstream", events=mine):
                statement = insert(tally).values(event_type=event.envelope.type, events=1)
                await session.execute(
                    statement.on_conflict_do_update(
                        index_elements=[tally.c.event_type],
                        set_={"events": tally.c.events + 1},
                    )
                )

    broker = KafkaBroker(infrastructure.bootstrap_servers, security=infrastructure.kafka.security())
    BatchConsumer(
        broker=broker,
        name=unique("downstream"),
        topics=[ACCOUNTS_TOPIC],
        accepts=accounts_v1.EVENTS,
        handler=handle,
    )
    async with broker:
        await broker.start()
        # It reads the whole shared topic from offset 0: every earlier test's events first.
        await eventually(lambda: _enough(seen, expected_records), within=180)
    async with engine.connect() as connection:
        rows = (await connection.execute(select(tally))).all()
    await engine.dispose()
    return {row.event_type: row.events for row in rows}, seen


async def _enough(seen: list[tuple[str, str]], count: int) -> bool:
    return len(seen) >= count

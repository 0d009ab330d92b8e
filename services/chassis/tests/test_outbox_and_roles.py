"""The outbox relay run as two copies publishes every row once; staged rows leave at their
moment unless withdrawn; the relay survives a database fault; a service role sees only its
schema."""

import asyncio
import contextlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Table, func, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from chassis.clock import FixedClock
from chassis.db import provision_service_database, service_database_url
from chassis.outbox import Outbox, OutboxRelay, withdraw_staged
from chassis.testing import Infrastructure, eventually, read_topic, unique
from contracts.accounts_v1 import ACCOUNTS_TOPIC, AccountVipRevoked

pytestmark = pytest.mark.integration


async def test_two_relays_publish_each_row_exactly_once(
    infrastructure: Infrastructure, admin_engine: AsyncEngine, table: Table
) -> None:
    account = unique("C")
    sessions = async_sessionmaker(admin_engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        outbox = Outbox(session, table, source="test")
        for n in range(1200):
            outbox.add(
                AccountVipRevoked(
                    account_id=account,
                    revoked_by="SUP-1",
                    reason=f"#{n}",
                    revoked_at=datetime.now(UTC),
                )
            )
        await outbox.flush()

    relays = [
        OutboxRelay(
            engine=admin_engine,
            table=table,
            kafka=infrastructure.kafka,
            batch_size=100,
        )
        for _ in range(2)
    ]

    async def drain(relay: OutboxRelay) -> int:
        await relay.start()
        published = 0
        try:
            while count := await relay.relay_once():
                published += count
        finally:
            await relay.stop()
        return published

    counts = await asyncio.gather(*(drain(relay) for relay in relays))
    assert sum(counts) == 1200
    async with admin_engine.connect() as connection:
        unsent = await connection.scalar(
            select(func.count()).select_from(table).where(table.c.sent_at.is_(None))
        )
    assert unsent == 0

    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda record: record.key == account.encode(),
        until=lambda kept: len(kept) >= 1200,
    )
    reasons = [json.loads(record.value)["data"]["reason"] for record in records]
    assert len(reasons) == len(set(reasons)) == 1200


async def test_a_service_role_can_touch_only_its_own_schema(
    infrastructure: Infrastructure, admin_engine: AsyncEngine
) -> None:
    mine, theirs = unique("svc").replace("-", "_"), unique("svc").replace("-", "_")
    for service in (mine, theirs):
        await provision_service_database(
            admin_url=infrastructure.admin_database_url, service=service, password="pw"
        )
    async with admin_engine.begin() as connection:
        await connection.execute(text(f'CREATE TABLE "{theirs}".secrets (id int)'))
    engine = create_async_engine(
        service_database_url(infrastructure.admin_database_url, mine, "pw")
    )
    try:
        async with engine.begin() as connection:
            await connection.execute(text("CREATE TABLE own_table (id int)"))
            schema = await connection.scalar(
                text(
                    "SELECT table_schema FROM information_schema.tables WHERE table_name = 'own_table'"
                )
            )
            assert schema == mine
        for forbidden in (
            f'SELECT * FROM "{theirs}".secrets',
            "CREATE TABLE public.intruder (id int)",
        ):
            with pytest.raises(ProgrammingError, match="permission denied"):
                async with engine.begin() as connection:
                    await connection.execute(text(forbidden))
    finally:
        await engine.dispose()


async def test_a_staged_event_leaves_at_its_moment_unless_withdrawn_and_ids_are_unique(
    infrastructure: Infrastructure, admin_engine: AsyncEngine, table: Table
) -> None:
    account = unique("C")
    t0 = datetime.now(UTC)

    def revoked(reason: str) -> AccountVipRevoked:
        return AccountVipRevoked(
            account_id=account, revoked_by="SUP-1", reason=reason, revoked_at=t0
        )

    sessions = async_sessionmaker(admin_engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        outbox = Outbox(session, table, source="test")
        outbox.stage(revoked("kept"), at=t0 + timedelta(minutes=5), by="T-1", id="kept")
        outbox.stage(revoked("withdrawn"), at=t0 + timedelta(minutes=5), by="T-2", id="gone")
        outbox.add(revoked("at once"))
        await outbox.flush()
    clock = FixedClock(t0)
    relay = OutboxRelay(
        engine=admin_engine,
        table=table,
        kafka=infrastructure.kafka,
        clock=clock,
    )
    await relay.start()
    try:
        assert await relay.relay_once() == 1
        assert await relay.relay_once() == 0
        assert await relay.seconds_to_next_staged() == 1.0  # the poll interval is nearer
        clock.set(t0 + timedelta(minutes=5) - timedelta(milliseconds=1))
        assert await relay.relay_once() == 0
        assert await relay.seconds_to_next_staged() == 0.001
        async with sessions() as session, session.begin():
            await withdraw_staged(session, table, ["T-2"])
            # Written again under an id the outbox has: nothing changes.
            again = Outbox(session, table, source="test")
            again.add(revoked("a duplicate"), id="kept")
            await again.flush()
        clock.set(t0 + timedelta(minutes=5))
        assert await relay.relay_once() == 1
        async with sessions() as session, session.begin():
            # Withdrawing after publication leaves the published row alone.
            await withdraw_staged(session, table, ["T-1"])
    finally:
        await relay.stop()
    async with admin_engine.connect() as connection:
        rows = (await connection.execute(select(table.c.event_id, table.c.sent_at))).all()
    # Two rows are left, both sent: the immediate one and "kept"; "gone" was withdrawn.
    assert len(rows) == 2 and all(sent_at is not None for _, sent_at in rows)
    assert "kept" in {event_id for event_id, _ in rows}
    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda record: record.key == account.encode(),
        until=lambda kept: len(kept) >= 2,
    )
    assert [json.loads(record.value)["data"]["reason"] for record in records] == [
        "at once",
        "kept",
    ]


async def test_the_relay_keeps_running_through_a_database_fault(
    infrastructure: Infrastructure,
    admin_engine: AsyncEngine,
    table: Table,
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay = OutboxRelay(
        engine=admin_engine,
        table=table,
        kafka=infrastructure.kafka,
        poll_seconds=0.1,
    )
    task = asyncio.create_task(relay.run())
    qualified = f'"{table.schema}".outbox'
    try:
        async with admin_engine.begin() as connection:
            await connection.execute(text(f"ALTER TABLE {qualified} RENAME TO outbox_away"))

        async def failed() -> bool:
            return "outbox relay failed; retrying" in caplog.text

        await eventually(failed, within=10)
        async with admin_engine.begin() as connection:
            await connection.execute(
                text(f'ALTER TABLE "{table.schema}".outbox_away RENAME TO outbox')
            )
        account = unique("C")
        async with async_sessionmaker(admin_engine)() as session, session.begin():
            outbox = Outbox(session, table, source="test")
            outbox.add(
                AccountVipRevoked(
                    account_id=account,
                    revoked_by="SUP-1",
                    reason="after the fault",
                    revoked_at=datetime.now(UTC),
                )
            )
            await outbox.flush()
        records = await read_topic(
            infrastructure.kafka,
            ACCOUNTS_TOPIC,
            keep=lambda record: record.key == account.encode(),
            until=lambda kept: len(kept) >= 1,
        )
        assert json.loads(records[0].value)["data"]["reason"] == "after the fault"
        assert not task.done()
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

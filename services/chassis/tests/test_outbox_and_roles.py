"""The outbox relay run as two copies publishes every row once; a service role sees only its schema."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from chassis.db import provision_service_database, service_database_url
from chassis.outbox import Outbox, OutboxRelay, outbox_table
from chassis.testing import Infrastructure, read_topic, unique
from contracts.accounts_v1 import ACCOUNTS_TOPIC, AccountVipRevoked

pytestmark = pytest.mark.integration


@pytest.fixture
async def admin_engine(infrastructure: Infrastructure) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(infrastructure.admin_database_url)
    yield engine
    await engine.dispose()


async def test_two_relays_publish_each_row_exactly_once(
    infrastructure: Infrastructure, admin_engine: AsyncEngine
) -> None:
    schema = unique("outbox").replace("-", "_")
    metadata = MetaData(schema=schema)
    table = outbox_table(metadata)
    async with admin_engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
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
            bootstrap_servers=infrastructure.kafka_bootstrap_servers,
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
        infrastructure.kafka_bootstrap_servers,
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

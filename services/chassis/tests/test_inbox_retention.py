"""Inbox retention: ids received before a moment are forgotten, later ones kept."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from chassis.inbox import inbox_table, purge_inbox
from chassis.testing import Infrastructure, unique

pytestmark = pytest.mark.integration


async def test_purge_inbox_deletes_only_ids_received_before_the_moment(
    infrastructure: Infrastructure,
) -> None:
    schema = unique("inbox").replace("-", "_")
    table = inbox_table(MetaData(schema=schema))
    engine = create_async_engine(infrastructure.admin_database_url)
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(table.metadata.create_all)
    cutoff = datetime(2026, 11, 1, tzinfo=UTC)
    ages = {"old-1": -timedelta(days=40), "old-2": -timedelta(seconds=1), "at": timedelta(0)}
    ages["new"] = timedelta(days=1)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        await session.execute(
            insert(table),
            [
                {"consumer": consumer, "event_id": event_id, "received_at": cutoff + age}
                for consumer in ("a", "b")
                for event_id, age in ages.items()
            ],
        )

    async with sessions() as session, session.begin():
        deleted = await purge_inbox(session, table, older_than=cutoff)

    async with engine.connect() as connection:
        kept = set((await connection.execute(select(table.c.consumer, table.c.event_id))).all())
    await engine.dispose()
    assert deleted == 4
    assert kept == {("a", "at"), ("a", "new"), ("b", "at"), ("b", "new")}

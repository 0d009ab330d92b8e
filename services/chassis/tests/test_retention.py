"""Retention on the real PostgreSQL: old fired timers go, pending, recent and set-aside rows stay;
the retention loop runs every job with its own age and survives a job that fails."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from chassis.clock import FixedClock
from chassis.db import asyncpg_url
from chassis.inbox import inbox_table
from chassis.outbox import outbox_table
from chassis.scheduler import purge_fired_timers, timer_table
from chassis.settings import ServiceSettings
from chassis.testing import Infrastructure, eventually, unique
from chassis.worker import (
    RetentionJob,
    Supervisor,
    retention_jobs,
    run_retention,
    timers_purge,
)

pytestmark = pytest.mark.integration

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
async def timers(infrastructure: Infrastructure) -> AsyncIterator[tuple[AsyncEngine, MetaData]]:
    schema = unique("retention").replace("-", "_")
    metadata = MetaData(schema=schema)
    timer_table(metadata)
    engine = create_async_engine(
        asyncpg_url(infrastructure.admin_database_url),
        connect_args={"server_settings": {"timezone": "UTC"}},
    )
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    yield engine, metadata
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()


async def insert_rows(engine: AsyncEngine, metadata: MetaData) -> None:
    table = metadata.tables[f"{metadata.schema}.timers"]
    old, recent = NOW - timedelta(days=40), NOW - timedelta(days=5)
    rows = [
        ("pending-old", old - timedelta(days=1), None, None),
        ("fired-old", old, old, None),
        ("fired-recent", recent, recent, None),
        ("set-aside-old", old, old, "ValueError: bad data"),
    ]
    async with engine.begin() as connection:
        await connection.execute(
            table.insert(),
            [
                {"key": key, "kind": "k", "due_at": due, "fired_at": fired, "failure": failure}
                for key, due, fired, failure in rows
            ],
        )


async def keys(engine: AsyncEngine, metadata: MetaData) -> set[str]:
    table = metadata.tables[f"{metadata.schema}.timers"]
    async with engine.connect() as connection:
        return set((await connection.scalars(select(table.c.key))).all())


async def test_purge_deletes_only_fired_timers_older_than_the_cutoff(
    timers: tuple[AsyncEngine, MetaData],
) -> None:
    engine, metadata = timers
    table = metadata.tables[f"{metadata.schema}.timers"]
    await insert_rows(engine, metadata)
    async with AsyncSession(engine) as session, session.begin():
        deleted = await purge_fired_timers(session, table, older_than=NOW - timedelta(days=30))
    assert deleted == 1
    assert await keys(engine, metadata) == {"pending-old", "fired-recent", "set-aside-old"}


async def test_purge_in_batches_deletes_all_that_is_old(
    timers: tuple[AsyncEngine, MetaData],
) -> None:
    engine, metadata = timers
    table = metadata.tables[f"{metadata.schema}.timers"]
    old = NOW - timedelta(days=40)
    async with engine.begin() as connection:
        await connection.execute(
            table.insert(),
            [{"key": f"t{i}", "kind": "k", "due_at": old, "fired_at": old} for i in range(5)],
        )
    async with AsyncSession(engine) as session, session.begin():
        assert await purge_fired_timers(session, table, older_than=NOW, limit=2) == 2
    assert len(await keys(engine, metadata)) == 3
    assert await timers_purge(engine, table)(NOW) == 3
    assert await keys(engine, metadata) == set()


class FakePurge:
    """Stands in for the outbox and inbox purges: records the cutoffs it was given."""

    def __init__(self, *, fails: bool = False) -> None:
        self.cutoffs: list[datetime] = []
        self.fails = fails

    async def __call__(self, older_than: datetime) -> int:
        self.cutoffs.append(older_than)
        if self.fails:
            raise ConnectionError("database gone")
        return 3


async def test_the_retention_loop_runs_each_job_with_its_age_and_outlives_a_failing_one(
    timers: tuple[AsyncEngine, MetaData],
) -> None:
    engine, metadata = timers
    table = metadata.tables[f"{metadata.schema}.timers"]
    await insert_rows(engine, metadata)
    outbox, inbox = FakePurge(), FakePurge(fails=True)
    name = unique("timers")
    jobs = [
        RetentionJob("outbox", timedelta(days=7), outbox),
        RetentionJob("inbox", timedelta(days=14), inbox),
        RetentionJob(name, timedelta(days=30), timers_purge(engine, table)),
    ]
    supervisor = Supervisor(initial_backoff=0.05, max_backoff=0.1)
    supervisor.add(
        "retention", lambda: run_retention(jobs, interval_seconds=3600, clock=FixedClock(NOW))
    )
    supervisor.start()
    try:

        async def retried() -> bool:
            return len(inbox.cutoffs) >= 2

        await eventually(retried)
    finally:
        await supervisor.stop()
    assert set(outbox.cutoffs) == {NOW - timedelta(days=7)}
    assert set(inbox.cutoffs) == {NOW - timedelta(days=14)}
    assert await keys(engine, metadata) == {"pending-old", "fired-recent", "set-aside-old"}
    assert REGISTRY.get_sample_value("rapport_retention_purged_total", {"job": name}) == 1


async def test_the_standard_jobs_purge_sent_outbox_rows_seen_inbox_ids_and_fired_timers(
    infrastructure: Infrastructure,
) -> None:
    schema = unique("retention").replace("-", "_")
    metadata = MetaData(schema=schema)
    outbox, inbox, timers = outbox_table(metadata), inbox_table(metadata), timer_table(metadata)
    engine = create_async_engine(asyncpg_url(infrastructure.admin_database_url))
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    settings = ServiceSettings(service_name="retention")
    old, recent = NOW - timedelta(days=60), NOW - timedelta(days=1)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                outbox.insert(),
                [
                    {"event_id": event_id, "topic": "t", "key": "k", "payload": {}, "sent_at": at}
                    for event_id, at in (
                        ("sent-old", old),
                        ("sent-recent", recent),
                        ("unsent", None),
                    )
                ],
            )
            await connection.execute(
                inbox.insert(),
                [
                    {"consumer": "c", "event_id": "seen-old", "received_at": old},
                    {"consumer": "c", "event_id": "seen-recent", "received_at": recent},
                ],
            )
            await connection.execute(
                timers.insert(),
                [
                    {"key": "fired-old", "kind": "k", "due_at": old, "fired_at": old},
                    {"key": "pending", "kind": "k", "due_at": old, "fired_at": None},
                ],
            )
        jobs = retention_jobs(settings, engine, outbox=outbox, inbox=inbox, timers=timers)
        purged = {job.name: await job.purge(NOW - job.keep) for job in jobs}
        assert purged == {"outbox": 1, "inbox": 1, "timers": 1}
        async with engine.connect() as connection:
            assert set(await connection.scalars(select(outbox.c.event_id))) == {
                "sent-recent",
                "unsent",
            }
            assert set(await connection.scalars(select(inbox.c.event_id))) == {"seen-recent"}
            assert set(await connection.scalars(select(timers.c.key))) == {"pending"}
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()

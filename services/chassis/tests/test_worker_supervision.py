"""The worker's supervisor on the real PostgreSQL and Kafka: tasks that cannot start or stop are
started again (and counted), and readiness says which tasks are down until they run."""

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chassis.clock import SystemClock
from chassis.db import asyncpg_url, create_session_factory
from chassis.http import create_app
from chassis.kafka import KafkaConnection, make_broker
from chassis.outbox import OutboxRelay, outbox_table
from chassis.scheduler import (
    DueTimer,
    Timer,
    TimerScheduler,
    schedule_timers,
    timer_channel,
    timer_table,
)
from chassis.testing import Infrastructure, eventually, free_port, unique
from chassis.unit_of_work import SqlUnitOfWork
from chassis.worker import Supervisor, consume

pytestmark = pytest.mark.integration


def restarts(task: str) -> float:
    return REGISTRY.get_sample_value("rapport_worker_task_restarts_total", {"task": task}) or 0.0


async def holds(condition: bool) -> bool:
    """`condition` as a probe for `eventually` (evaluated anew at each call of the lambda)."""
    return condition


@pytest.fixture
async def supervisor() -> AsyncIterator[Supervisor]:
    supervisor = Supervisor(initial_backoff=0.05, max_backoff=0.2)
    yield supervisor
    await supervisor.stop()


async def readyz(supervisor: Supervisor, *checks: Any) -> httpx.Response:
    app = create_app(
        service="test-worker", title="test", readiness_checks=[supervisor.tasks_running, *checks]
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://worker") as client:
        return await client.get("/readyz")


async def test_a_task_that_raises_is_restarted_and_readiness_names_it_meanwhile(
    supervisor: Supervisor,
) -> None:
    task = unique("flaky")
    fail, healthy = asyncio.Event(), asyncio.Event()
    calls = 0

    async def flaky() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            await fail.wait()
            raise RuntimeError("lost it")
        if not healthy.is_set():
            raise RuntimeError("cannot start again yet")
        await asyncio.Event().wait()

    supervisor.add(task, flaky)
    not_started = await readyz(supervisor)
    assert not_started.status_code == 503
    assert task in not_started.json()["error"]["details"][0]
    before = restarts(task)
    supervisor.start()

    async def ready() -> bool:
        return (await readyz(supervisor)).status_code == 200

    await eventually(ready)
    fail.set()

    async def named_not_ready() -> bool:
        response = await readyz(supervisor)
        return response.status_code == 503 and task in response.json()["error"]["details"][0]

    await eventually(named_not_ready)
    await eventually(lambda: holds(restarts(task) >= before + 2))
    healthy.set()
    await eventually(ready)
    assert calls >= 3


async def test_a_task_that_returns_is_started_again(supervisor: Supervisor) -> None:
    task = unique("returns")
    runs = 0

    async def returns() -> None:
        nonlocal runs
        runs += 1
        if runs > 2:
            await asyncio.Event().wait()

    supervisor.add(task, returns)
    supervisor.start()
    await eventually(lambda: holds(runs == 3 and not supervisor.down()))
    assert restarts(task) >= 2


async def test_consumers_that_cannot_reach_the_broker_are_retried(
    supervisor: Supervisor,
) -> None:
    task = unique("kafka-consumers")
    unreachable = KafkaConnection(f"127.0.0.1:{free_port()}", "nobody", "unused")
    broker = make_broker(unreachable, client_id="supervision-test")
    supervisor.add(task, lambda: consume(broker, unreachable, [unique("topic")]))
    before = restarts(task)
    supervisor.start()
    await eventually(lambda: holds(restarts(task) >= before + 2), within=120)
    await eventually(lambda: holds(task in supervisor.down()))


async def test_consumers_count_as_started_once_the_broker_has_subscribed(
    infrastructure: Infrastructure, supervisor: Supervisor
) -> None:
    topic = unique("supervised")
    broker = make_broker(infrastructure.kafka, client_id="supervision-test")
    received: list[bytes] = []

    @broker.subscriber(topic, group_id=unique("group"), auto_offset_reset="earliest")
    async def record(body: bytes) -> None:
        received.append(body)

    supervisor.add(
        "kafka-consumers",
        lambda: consume(broker, infrastructure.kafka, [topic]),
        started=lambda: broker.running,
    )
    assert supervisor.down() == ["kafka-consumers"]
    supervisor.start()
    await eventually(lambda: holds(not supervisor.down()))
    await broker.publish(b"hello", topic=topic)
    await eventually(lambda: holds(received == [b"hello"]))


class Fired:
    def __init__(self) -> None:
        self.keys: list[str] = []

    async def __call__(self, *, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        self.keys += [timer.key for timer in timers]


@pytest.fixture
async def absent_database(infrastructure: Infrastructure) -> AsyncIterator[str]:
    """The name of a database that does not exist yet (dropped at the end if created)."""
    name = f"rapport_absent_{uuid.uuid4().hex[:8]}"
    yield name
    admin = create_async_engine(
        infrastructure.admin_url_for("postgres"), isolation_level="AUTOCOMMIT"
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


async def test_relay_and_scheduler_started_without_their_database_recover_when_it_appears(
    infrastructure: Infrastructure, supervisor: Supervisor, absent_database: str
) -> None:
    url = (
        make_url(asyncpg_url(infrastructure.admin_database_url))
        .set(database=absent_database)
        .render_as_string(hide_password=False)
    )
    engine: AsyncEngine = create_async_engine(
        url, connect_args={"server_settings": {"timezone": "UTC"}}
    )
    metadata = MetaData()
    outbox, timers = outbox_table(metadata), timer_table(metadata)
    sessions = create_session_factory(engine)
    fired = Fired()
    clock = SystemClock()
    relay = OutboxRelay(
        engine=engine,
        table=outbox,
        kafka=infrastructure.kafka,
        poll_seconds=0.2,
    )
    scheduler = TimerScheduler(
        name=unique("absent-db"),
        engine=engine,
        table=timers,
        unit_of_work=lambda: SqlUnitOfWork(
            session_factory=sessions, outbox_table=outbox, source="test"
        ),
        handler=fired,
        clock=clock,
        max_sleep_seconds=0.5,
    )
    relay_task = unique("outbox-relay")
    supervisor.add(relay_task, relay.run, started=lambda: relay.healthy)
    supervisor.add("timer-scheduler", scheduler.run)

    async def database() -> None:
        async with engine.connect() as connection:
            await connection.execute(select(1))

    supervisor.start()
    try:
        # The relay retries by itself; until a pass succeeds it counts as down.
        await eventually(lambda: holds(relay.last_error is not None), within=120)
        answer = await readyz(supervisor, database)
        assert answer.status_code == 503
        assert relay_task in answer.text

        admin = create_async_engine(
            infrastructure.admin_url_for("postgres"), isolation_level="AUTOCOMMIT"
        )
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{absent_database}"'))
        await admin.dispose()
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)

        async def ready() -> bool:
            return (await readyz(supervisor, database)).status_code == 200

        await eventually(ready, within=120)
        # Recovered for real: the scheduler fires a timer written after the database came.
        key = unique("timer")
        async with sessions() as session, session.begin():
            due = datetime.now(UTC) - timedelta(seconds=1)
            await schedule_timers(session, timers, [Timer(key=key, kind="t", due_at=due)])
        await eventually(lambda: holds(key in fired.keys), within=120)

        async def fired_rows() -> int:
            async with engine.connect() as connection:
                count = await connection.scalar(
                    select(func.count()).where(timers.c.key == key, timers.c.fired_at.is_not(None))
                )
            return int(count or 0)

        assert await eventually(fired_rows) == 1
    finally:
        await supervisor.stop()
        await engine.dispose()


async def test_the_scheduler_listens_again_when_its_listener_connection_is_lost(
    infrastructure: Infrastructure,
) -> None:
    schema = unique("relisten").replace("-", "_")
    metadata = MetaData(schema=schema)
    outbox, timers = outbox_table(metadata), timer_table(metadata)
    engine = create_async_engine(
        asyncpg_url(infrastructure.admin_database_url),
        connect_args={"server_settings": {"timezone": "UTC"}},
    )
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    sessions = create_session_factory(engine)
    fired = Fired()
    scheduler = TimerScheduler(
        name=unique("relisten"),
        engine=engine,
        table=timers,
        unit_of_work=lambda: SqlUnitOfWork(
            session_factory=sessions, outbox_table=outbox, source="test"
        ),
        handler=fired,
        clock=SystemClock(),
        # Only a NOTIFY can wake it in time: a lost listener would never fire the timer below.
        max_sleep_seconds=3600,
    )
    channel = timer_channel(timers)

    async def listening_backends() -> list[int]:
        async with engine.connect() as connection:
            pids = await connection.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE query = :listen"),
                {"listen": f'LISTEN "{channel}"'},
            )
            return list(pids)

    task = asyncio.create_task(scheduler.run())
    try:
        [first] = await eventually(listening_backends)
        async with engine.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})

        async def listening_anew() -> list[int]:
            return [pid for pid in await listening_backends() if pid != first]

        await eventually(listening_anew)
        key = unique("timer")
        async with sessions() as session, session.begin():
            due = datetime.now(UTC) + timedelta(milliseconds=200)
            await schedule_timers(session, timers, [Timer(key=key, kind="t", due_at=due)])
        await eventually(lambda: holds(key in fired.keys))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await engine.dispose()

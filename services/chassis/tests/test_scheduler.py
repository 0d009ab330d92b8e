"""Durable timers on the real PostgreSQL: never early, never twice, never missed, woken early."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chassis.clock import FixedClock, SystemClock
from chassis.db import asyncpg_url, create_session_factory
from chassis.outbox import outbox_table
from chassis.scheduler import (
    DueTimer,
    Timer,
    TimerScheduler,
    ceil_to_millisecond,
    schedule_timers,
    timer_table,
)
from chassis.testing import Infrastructure, eventually, unique
from chassis.unit_of_work import SqlUnitOfWork

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


class Tables:
    def __init__(self, schema: str) -> None:
        self.metadata = MetaData(schema=schema)
        self.timers = timer_table(self.metadata)
        self.outbox = outbox_table(self.metadata)
        self.effects = Table("effects", self.metadata, Column("timer_key", String(200)))


@pytest.fixture
async def db(infrastructure: Infrastructure) -> AsyncIterator[tuple[AsyncEngine, Tables]]:
    schema = unique("sched").replace("-", "_")
    tables = Tables(schema)
    engine = create_async_engine(
        asyncpg_url(infrastructure.admin_database_url),
        connect_args={"server_settings": {"search_path": schema, "timezone": "UTC"}},
    )
    async with engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(tables.metadata.create_all)
    yield engine, tables
    async with engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await engine.dispose()


class Recorder:
    """A handler that writes one effect row per timer, in the scheduler's transaction."""

    def __init__(
        self, tables: Tables, *, fail: Exception | None = None, poison: str | None = None
    ) -> None:
        self.tables = tables
        self.fail = fail
        self.poison = poison
        self.fired: list[tuple[DueTimer, datetime, float]] = []

    async def __call__(self, *, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        await uow.session.execute(
            self.tables.effects.insert(), [{"timer_key": timer.key} for timer in timers]
        )
        if self.fail is not None:
            raise self.fail
        if any(timer.key == self.poison for timer in timers):
            raise ValueError(f"cannot handle {self.poison}")
        self.fired += [(timer, now, time.time()) for timer in timers]


class Stager:
    """Records which keys were staged, and with what reach."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], datetime, datetime]] = []

    async def __call__(
        self, *, uow: SqlUnitOfWork, keys: list[str], now: datetime, until: datetime
    ) -> None:
        self.calls.append((keys, now, until))


def scheduler(
    engine: AsyncEngine,
    tables: Tables,
    handler: Recorder,
    clock: FixedClock | SystemClock,
    *,
    batch_size: int = 100,
    stager: Stager | None = None,
) -> TimerScheduler:
    sessions = create_session_factory(engine)
    return TimerScheduler(
        name="test",
        engine=engine,
        table=tables.timers,
        unit_of_work=lambda: SqlUnitOfWork(
            session_factory=sessions, outbox_table=tables.outbox, source="test"
        ),
        handler=handler,
        clock=clock,
        batch_size=batch_size,
        max_sleep_seconds=30,
        stager=stager,
        stage_ahead=timedelta(seconds=30),
        staged_grace=timedelta(seconds=1),
    )


async def add_timers(engine: AsyncEngine, tables: Tables, timers: list[Timer]) -> None:
    async with create_session_factory(engine)() as session, session.begin():
        await schedule_timers(session, tables.timers, timers)


async def effect_count(engine: AsyncEngine, tables: Tables) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(tables.effects)) or 0)


async def test_a_timer_fires_at_its_due_time_never_before_and_once(
    db: tuple[AsyncEngine, Tables],
) -> None:
    engine, tables = db
    clock = FixedClock(T0)
    recorder = Recorder(tables)
    timers = scheduler(engine, tables, recorder, clock)
    await add_timers(engine, tables, [Timer("ticket-1", "breach", T0 + timedelta(minutes=5))])

    clock.set(T0 + timedelta(minutes=5) - timedelta(milliseconds=1))
    assert await timers.fire_due() == 0
    clock.set(T0 + timedelta(minutes=5))
    assert await timers.fire_due() == 1
    assert await timers.fire_due() == 0
    assert [(t.key, t.kind) for t, _, _ in recorder.fired] == [("ticket-1", "breach")]
    assert await effect_count(engine, tables) == 1
    assert await timers.next_wake_at() is None


async def test_a_connection_fault_leaves_the_timer_due_and_writes_nothing(
    db: tuple[AsyncEngine, Tables],
) -> None:
    engine, tables = db
    clock = FixedClock(T0)
    await add_timers(engine, tables, [Timer("ticket-2", "breach", T0)])
    lost = OperationalError("SELECT 1", {}, ConnectionResetError("connection lost"))
    with pytest.raises(OperationalError):
        await scheduler(engine, tables, Recorder(tables, fail=lost), clock).fire_due()
    assert await effect_count(engine, tables) == 0
    recorder = Recorder(tables)
    assert await scheduler(engine, tables, recorder, clock).fire_due() == 1
    assert await effect_count(engine, tables) == 1


async def test_a_timer_that_cannot_fire_is_set_aside_and_the_others_fire(
    db: tuple[AsyncEngine, Tables],
) -> None:
    engine, tables = db
    clock = FixedClock(T0)
    await add_timers(
        engine,
        tables,
        [Timer(f"ticket-{n}", "breach", T0 - timedelta(seconds=n)) for n in range(5)],
    )
    recorder = Recorder(tables, poison="ticket-2")
    timers = scheduler(engine, tables, recorder, clock)
    assert await timers.fire_due() == 5
    assert sorted(t.key for t, _, _ in recorder.fired) == [
        "ticket-0",
        "ticket-1",
        "ticket-3",
        "ticket-4",
    ]
    assert await effect_count(engine, tables) == 4  # the poison row's effects rolled back
    async with engine.connect() as connection:
        set_aside = (
            await connection.execute(
                select(
                    tables.timers.c.key, tables.timers.c.fired_at, tables.timers.c.failure
                ).where(tables.timers.c.failure.is_not(None))
            )
        ).all()
    assert set_aside == [("ticket-2", T0, "ValueError: cannot handle ticket-2")]
    assert await timers.fire_due() == 0
    assert await timers.next_wake_at() is None


async def test_two_schedulers_never_fire_a_row_twice(db: tuple[AsyncEngine, Tables]) -> None:
    engine, tables = db
    clock = FixedClock(T0)
    await add_timers(
        engine,
        tables,
        [Timer(f"ticket-{i}", "breach", T0 - timedelta(seconds=i)) for i in range(300)],
    )
    first, second = Recorder(tables), Recorder(tables)

    async def drain(recorder: Recorder) -> None:
        copy = scheduler(engine, tables, recorder, clock, batch_size=25)
        while await copy.fire_due():
            pass

    await asyncio.gather(drain(first), drain(second))
    keys = [t.key for t, _, _ in first.fired + second.fired]
    assert len(keys) == 300 and len(set(keys)) == 300
    assert await effect_count(engine, tables) == 300


async def test_run_fires_overdue_rows_at_start_up_and_wakes_early_for_a_nearer_one(
    db: tuple[AsyncEngine, Tables],
) -> None:
    engine, tables = db
    now = datetime.now(UTC)
    await add_timers(
        engine,
        tables,
        [
            Timer("overdue", "breach", now - timedelta(minutes=10)),
            Timer("far", "breach", now + timedelta(hours=1)),
        ],
    )
    recorder = Recorder(tables)
    task = asyncio.create_task(scheduler(engine, tables, recorder, SystemClock()).run())
    try:
        await eventually(lambda: _keys(recorder, {"overdue"}), within=10)
        # The scheduler now sleeps until the far timer; a nearer one must wake it.
        due = datetime.now(UTC) + timedelta(milliseconds=700)
        await add_timers(engine, tables, [Timer("near", "breach", due)])
        await eventually(lambda: _keys(recorder, {"overdue", "near"}), within=10)
        near = next(fired for fired in recorder.fired if fired[0].key == "near")
        fired_at = datetime.fromtimestamp(near[2], UTC)
        assert fired_at >= ceil_to_millisecond(due)
        assert fired_at - due < timedelta(milliseconds=300)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [t.key for t, _, _ in recorder.fired] == ["overdue", "near"]


async def _keys(recorder: Recorder, expected: set[str]) -> bool:
    return {t.key for t, _, _ in recorder.fired} == expected


def test_due_times_round_up_to_the_millisecond() -> None:
    moment = datetime(2026, 1, 1, 0, 0, 0, 1500, tzinfo=UTC)
    assert ceil_to_millisecond(moment) == datetime(2026, 1, 1, 0, 0, 0, 2000, tzinfo=UTC)
    assert ceil_to_millisecond(T0) == T0


async def test_timers_coming_within_reach_are_staged_once_and_fire_after_the_grace(
    db: tuple[AsyncEngine, Tables],
) -> None:
    engine, tables = db
    clock = FixedClock(T0)
    recorder, stager = Recorder(tables), Stager()
    timers = scheduler(engine, tables, recorder, clock, stager=stager)
    await add_timers(
        engine,
        tables,
        [
            Timer("overdue", "breach", T0 - timedelta(seconds=5)),
            Timer("near", "breach", T0 + timedelta(seconds=10)),
            Timer("near", "warning", T0 + timedelta(seconds=5)),
            Timer("far", "breach", T0 + timedelta(minutes=5)),
        ],
    )
    assert await timers.next_wake_at() == T0 - timedelta(seconds=35)
    # Only what lies ahead within reach is staged; an overdue timer is the firing's business.
    assert await timers.stage_due() == 2
    assert stager.calls == [(["near"], T0, T0 + timedelta(seconds=30))]
    assert await timers.stage_due() == 0
    assert await timers.fire_due() == 1
    assert [t.key for t, _, _ in recorder.fired] == ["overdue"]
    assert await timers.next_wake_at() == T0 + timedelta(seconds=6)

    # A staged timer fires `staged_grace` after its moment: its events left at the moment.
    clock.set(T0 + timedelta(seconds=10))
    assert await timers.fire_due() == 1
    clock.set(T0 + timedelta(seconds=11))
    assert await timers.fire_due() == 1
    assert [(t.key, t.kind) for t, _, _ in recorder.fired][1:] == [
        ("near", "warning"),
        ("near", "breach"),
    ]
    assert await timers.next_wake_at() == T0 + timedelta(minutes=5) - timedelta(seconds=30)

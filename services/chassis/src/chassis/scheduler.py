"""Durable timers: rows with a due time, fired by a scheduler that sleeps until the next one.

- Never early: a row fires only once the injected clock says its due time has come.
- Never twice: the row is marked fired in the same transaction as whatever the handler writes
  (state change, outbox events); rows are claimed with `FOR UPDATE SKIP LOCKED`, so several
  scheduler copies share the work without firing a row twice.
- Never missed: rows live in the database; rows that fell due while no scheduler ran are
  overdue at start-up and fire then, once. A batch that fails is fired again one row at a
  time, so a row its handler cannot fire (poison: its data, not the connection) is set aside
  with its error (`failure`, a metric, an alert) instead of holding up the others.
- Precise: the scheduler sleeps until the earliest due time and wakes early when a nearer row
  is added (`schedule_timers` sends a NOTIFY that commits with the row).

The handler is the service's: it gets the due rows of one batch inside a unit of work and
writes its effects there; the scheduler commits.

Staging (optional): a service whose timers publish events can stage them. When a timer comes
within `stage_ahead` of its due time, the stager is called for its key and writes the events
that will be due as staged outbox rows (`chassis.outbox`); the relay publishes each at its
moment, so thousands of deadlines in one second cost only publishing at that second. The timer
itself then fires `staged_grace` after its due time, to bring the stored state up to date (its
events are already out, and their ids make writing them again a no-op).
"""

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from prometheus_client import Counter, Histogram
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    Identity,
    Index,
    MetaData,
    Select,
    String,
    Table,
    Text,
    and_,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from chassis.clock import Clock
from chassis.db import is_any_of, is_transient
from chassis.unit_of_work import SqlUnitOfWork

log = logging.getLogger(__name__)

TIMERS_FIRED = Counter("rapport_timers_fired_total", "Timer rows fired", ["scheduler"])
TIMERS_SET_ASIDE = Counter(
    "rapport_timers_set_aside_total",
    "Timer rows whose handler failed on them alone, set aside with their error",
    ["scheduler"],
)
TIMER_LATENESS = Histogram(
    "rapport_timer_lateness_seconds",
    "From a timer's due time to the moment its scheduler fired it",
    ["scheduler"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 30, 60, 300),
)


def timer_table(metadata: MetaData, name: str = "timers") -> Table:
    """Pending rows have no `fired_at`; fired rows stay as the record of what fired when."""
    return Table(
        name,
        metadata,
        Column("id", BigInteger, Identity(), primary_key=True),
        Column("key", String(200), nullable=False),
        Column("kind", String(100), nullable=False),
        Column("due_at", DateTime(timezone=True), nullable=False),
        Column("payload", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("fired_at", DateTime(timezone=True)),
        Column("staged_at", DateTime(timezone=True)),
        # Why a row was set aside unfired (its `fired_at` says when); NULL for fired rows.
        Column("failure", Text),
        Index(
            f"ix_{name}_unstaged_due",
            "due_at",
            postgresql_where=text("fired_at IS NULL AND staged_at IS NULL"),
        ),
        Index(
            f"ix_{name}_staged_due",
            "due_at",
            postgresql_where=text("fired_at IS NULL AND staged_at IS NOT NULL"),
        ),
        Index(f"ix_{name}_pending_key", "key", postgresql_where=text("fired_at IS NULL")),
        # What the retention job deletes by.
        Index(f"ix_{name}_fired", "fired_at", postgresql_where=text("fired_at IS NOT NULL")),
    )


@dataclass(frozen=True)
class Timer:
    """A timer to schedule: what it is about (`key`), what kind, when."""

    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DueTimer:
    """A stored timer row."""

    id: int
    key: str
    kind: str
    due_at: datetime
    payload: dict[str, Any]


def timer_channel(table: Table) -> str:
    return f"{table.schema or 'public'}_{table.name}"


def ceil_to_millisecond(moment: datetime) -> datetime:
    """Kafka timestamps have millisecond precision: a timer rounded up never fires an event
    stamped before its due time."""
    extra = moment.microsecond % 1000
    return moment if extra == 0 else moment + timedelta(microseconds=1000 - extra)


async def schedule_timers(session: AsyncSession, table: Table, timers: Sequence[Timer]) -> None:
    """Insert timers (one statement) and wake the schedulers when the transaction commits."""
    if not timers:
        return
    await session.execute(
        table.insert(),
        [
            {
                "key": timer.key,
                "kind": timer.kind,
                "due_at": ceil_to_millisecond(timer.due_at),
                "payload": timer.payload,
            }
            for timer in timers
        ],
    )
    await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": timer_channel(table)})


async def cancel_timers(session: AsyncSession, table: Table, ids: Iterable[int]) -> None:
    """Drop pending timers that are no longer wanted."""
    wanted = list(ids)
    if wanted:
        await session.execute(
            delete(table).where(table.c.id.in_(wanted), table.c.fired_at.is_(None))
        )


async def pending_timers(
    session: AsyncSession, table: Table, keys: Iterable[str]
) -> list[DueTimer]:
    """The pending timers of some keys."""
    wanted = list(set(keys))
    if not wanted:
        return []
    result = await session.execute(
        select(table.c.id, table.c.key, table.c.kind, table.c.due_at, table.c.payload).where(
            table.c.key.in_(wanted), table.c.fired_at.is_(None)
        )
    )
    return [DueTimer(*row) for row in result]


async def mark_staged(
    session: AsyncSession, table: Table, keys: Iterable[str], *, until: datetime, now: datetime
) -> None:
    """Record that the events of these keys' timers due up to `until` are staged."""
    wanted = list(set(keys))
    if wanted:
        await session.execute(
            update(table)
            .where(
                is_any_of(table.c.key, wanted),
                table.c.fired_at.is_(None),
                table.c.staged_at.is_(None),
                table.c.due_at <= until,
            )
            .values(staged_at=now)
        )


class DueTimerHandler(Protocol):
    async def __call__(
        self, *, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime
    ) -> None: ...


class StageHandler(Protocol):
    async def __call__(
        self, *, uow: SqlUnitOfWork, keys: list[str], now: datetime, until: datetime
    ) -> None:
        """Stage the events of these keys that fall due after `now`, up to `until`."""


class TimerScheduler:
    """Fires due rows of one timer table in batches; safe to run as several copies."""

    def __init__(
        self,
        *,
        name: str,
        engine: AsyncEngine,
        table: Table,
        unit_of_work: Callable[[], SqlUnitOfWork],
        handler: DueTimerHandler,
        clock: Clock,
        batch_size: int = 1000,
        max_sleep_seconds: float = 30.0,
        stager: StageHandler | None = None,
        stage_ahead: timedelta = timedelta(seconds=30),
        staged_grace: timedelta = timedelta(seconds=1),
    ) -> None:
        self.name = name
        self._engine = engine
        self._table = table
        self._unit_of_work = unit_of_work
        self._handler = handler
        self._clock = clock
        self._batch_size = batch_size
        self._max_sleep = max_sleep_seconds
        self._stager = stager
        self._stage_ahead = stage_ahead
        self._staged_grace = staged_grace
        self._wake = asyncio.Event()

    def _due(self, now: datetime) -> ColumnElement[bool]:
        table = self._table
        return and_(
            table.c.fired_at.is_(None),
            or_(
                and_(table.c.staged_at.is_(None), table.c.due_at <= now),
                and_(table.c.staged_at.is_not(None), table.c.due_at <= now - self._staged_grace),
            ),
        )

    async def fire_due(self) -> int:
        """Fire one batch of due rows in one transaction; returns how many were taken. If the
        batch fails on the data of a row, its rows are fired one at a time instead."""
        try:
            return await self._fire(only=None)
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("a batch of %s timers failed; firing them one at a time", self.name)
        async with self._engine.connect() as connection:
            ids = (
                await connection.scalars(
                    select(self._table.c.id)
                    .where(self._due(self._clock.now()))
                    .order_by(self._table.c.due_at)
                    .limit(self._batch_size)
                )
            ).all()
        fired = 0
        for timer_id in ids:
            fired += await self._fire_alone(timer_id)
        return fired

    async def _fire_alone(self, timer_id: int) -> int:
        """Fire one row; one that fails twice on its own is set aside."""
        failure: Exception | None = None
        for _ in range(2):
            try:
                return await self._fire(only=timer_id)
            except Exception as error:
                if is_transient(error):
                    raise
                failure = error
        assert failure is not None
        log.error("timer %s of %s cannot fire and is set aside: %r", timer_id, self.name, failure)
        table = self._table
        async with self._engine.begin() as connection:
            await connection.execute(
                update(table)
                .where(table.c.id == timer_id, table.c.fired_at.is_(None))
                .values(
                    fired_at=self._clock.now(),
                    failure=f"{type(failure).__name__}: {failure}"[:2000],
                )
            )
        TIMERS_SET_ASIDE.labels(self.name).inc()
        return 1

    async def _fire(self, *, only: int | None) -> int:
        table = self._table
        async with self._unit_of_work() as uow:
            now = self._clock.now()
            rows = (
                await uow.session.execute(
                    select(table.c.id, table.c.key, table.c.kind, table.c.due_at, table.c.staged_at)
                    .add_columns(table.c.payload)
                    .where(self._due(now), *([table.c.id == only] if only is not None else []))
                    .order_by(table.c.due_at)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            due = [DueTimer(row.id, row.key, row.kind, row.due_at, row.payload) for row in rows]
            # Marked first, so the handler's own look at pending timers no longer sees them.
            await uow.session.execute(
                update(table).where(table.c.id.in_([t.id for t in due])).values(fired_at=now)
            )
            await self._handler(uow=uow, timers=due, now=now)
            await uow.commit()
        lateness = TIMER_LATENESS.labels(self.name)
        # A staged timer's events left at their moment (see the outbox's staged lateness).
        for row in rows:
            if row.staged_at is None:
                lateness.observe((now - row.due_at).total_seconds())
        TIMERS_FIRED.labels(self.name).inc(len(due))
        return len(due)

    async def stage_due(self) -> int:
        """Stage the events of one batch of timers within `stage_ahead`; returns how many
        timers were taken. Overdue timers are left to `fire_due`. If the batch fails on the
        data of a key, its keys are staged one at a time; a key that fails alone is marked
        staged without events, so its timers fire (and are set aside if they fail too)."""
        if self._stager is None:
            return 0
        try:
            return await self._stage(only=None)
        except Exception as error:
            if is_transient(error):
                raise
            log.exception("staging a batch of %s timers failed; one key at a time", self.name)
        now = self._clock.now()
        async with self._engine.connect() as connection:
            keys = (await connection.scalars(self._to_stage(now).limit(self._batch_size))).all()
        taken = 0
        for key in dict.fromkeys(keys):
            try:
                taken += await self._stage(only=key)
            except Exception as error:
                if is_transient(error):
                    raise
                log.exception("staging the timers of %s (%s) failed", key, self.name)
                async with self._unit_of_work() as uow:
                    until = now + self._stage_ahead
                    await mark_staged(uow.session, self._table, [key], until=until, now=now)
                    await uow.commit()
                taken += 1
        return taken

    def _to_stage(self, now: datetime) -> Select[Any]:
        table = self._table
        return (
            select(table.c.key)
            .where(
                table.c.fired_at.is_(None),
                table.c.staged_at.is_(None),
                table.c.due_at > now,
                table.c.due_at <= now + self._stage_ahead,
            )
            .order_by(table.c.due_at)
        )

    async def _stage(self, *, only: str | None) -> int:
        assert self._stager is not None
        table = self._table
        async with self._unit_of_work() as uow:
            now = self._clock.now()
            until = now + self._stage_ahead
            query = self._to_stage(now)
            if only is not None:
                query = query.where(table.c.key == only)
            keys = (
                await uow.session.scalars(
                    query.limit(self._batch_size).with_for_update(skip_locked=True)
                )
            ).all()
            if not keys:
                return 0
            distinct = sorted(set(keys))
            await self._stager(uow=uow, keys=distinct, now=now, until=until)
            await mark_staged(uow.session, table, distinct, until=until, now=now)
            await uow.commit()
        return len(keys)

    async def next_wake_at(self) -> datetime | None:
        """The next moment there is work: a timer to stage, a timer to fire."""
        table = self._table
        pending = select(func.min(table.c.due_at)).where(table.c.fired_at.is_(None))
        async with self._engine.connect() as connection:
            unstaged, staged = (
                await connection.execute(
                    select(
                        pending.where(table.c.staged_at.is_(None)).scalar_subquery(),
                        pending.where(table.c.staged_at.is_not(None)).scalar_subquery(),
                    )
                )
            ).one()
        moments: list[datetime] = []
        if unstaged is not None:
            moments.append(unstaged - self._stage_ahead if self._stager else unstaged)
        if staged is not None:
            moments.append(staged + self._staged_grace)
        return min(moments, default=None)

    def seconds_until(self, due: datetime | None) -> float:
        """How long to sleep: until the due time (rounded up), never longer than max sleep."""
        if due is None:
            return self._max_sleep
        seconds = (due - self._clock.now()).total_seconds()
        return min(self._max_sleep, max(0.0, math.ceil(seconds * 1000) / 1000))

    async def run(self) -> None:
        """Fire what is due (overdue rows first, at start-up too), then sleep until the next.
        Listening is part of the retry: a database down at start-up or a lost listener
        connection is retried with backoff (0.5 s doubling to 30 s)."""
        loop = asyncio.get_running_loop()
        backoff = 0.5
        while True:
            started = loop.time()
            try:
                await self._listen_and_fire()
            except Exception:
                log.exception("timer scheduler %s lost its database; retrying", self.name)
            # A scheduler that ran for a while before it failed retries soon again.
            if loop.time() - started > 60:
                backoff = 0.5
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 30.0)

    async def _listen_and_fire(self) -> None:
        raw = await self._engine.raw_connection()
        try:
            listening = raw.driver_connection
            assert listening is not None
            channel = timer_channel(self._table)

            def wake(*_: object) -> None:
                self._wake.set()

            await listening.add_listener(channel, wake)
            # A lost connection wakes the loop below, which then listens anew.
            listening.add_termination_listener(wake)
            try:
                while not listening.is_closed():
                    self._wake.clear()
                    try:
                        # Staging first: it is what makes the coming moments precise.
                        while await self.stage_due() == self._batch_size:
                            pass
                        while await self.fire_due() == self._batch_size:
                            pass
                        delay = self.seconds_until(await self.next_wake_at())
                    except Exception:
                        # A database hiccup must not kill the timers: log, back off, retry.
                        log.exception("timer scheduler %s failed; retrying", self.name)
                        delay = 1.0
                    # At least a millisecond: rows due now but locked by another copy must
                    # not make this one spin.
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), timeout=max(delay, 0.001))
            finally:
                # The connection goes back to the pool: it must not keep waking this one.
                listening.remove_termination_listener(wake)
                if not listening.is_closed():
                    await listening.remove_listener(channel, wake)
        finally:
            # A lost connection must not go back to the pool for others to trip on.
            if raw.driver_connection is None or raw.driver_connection.is_closed():
                raw.invalidate()
            else:
                raw.close()
        raise ConnectionError(f"the listener connection of timer scheduler {self.name} closed")


async def purge_fired_timers(
    session: AsyncSession, table: Table, *, older_than: datetime, limit: int | None = None
) -> int:
    """Delete timers fired before `older_than` (at most `limit` of them); returns how many.
    Rows set aside with a `failure` stay until someone acts on them."""
    doomed = select(table.c.id).where(table.c.fired_at < older_than, table.c.failure.is_(None))
    if limit is not None:
        doomed = doomed.limit(limit)
    result = await session.execute(delete(table).where(table.c.id.in_(doomed.scalar_subquery())))
    return int(result.rowcount)  # type: ignore[attr-defined]

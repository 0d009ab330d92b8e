"""The life of a worker process, the same in every service: topics, consumers, outbox relay,
the service's own background loops, retention, and `/healthz` `/readyz` `/metrics` until
SIGTERM.

Every background task runs under a `Supervisor`: a task that cannot start or stops (raises or
returns) is logged, counted and started again after a capped exponential backoff, so a
database or broker that is down at start-up delays the worker instead of killing it. `/readyz`
is red while any task is down or not yet started.
"""

import asyncio
import contextlib
import gc
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import uvicorn
from faststream.kafka import KafkaBroker
from prometheus_client import Counter, Gauge
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from chassis.clock import Clock, SystemClock
from chassis.http import ReadinessCheck, create_app
from chassis.inbox import purge_inbox
from chassis.kafka import KafkaConnection, ensure_topics, kafka_connection
from chassis.outbox import OutboxRelay, purge_sent
from chassis.scheduler import purge_fired_timers
from chassis.settings import ServiceSettings

log = logging.getLogger(__name__)

TASK_RESTARTS = Counter(
    "rapport_worker_task_restarts_total",
    "Background tasks of a worker started again after they failed to start or stopped",
    ["task"],
)
TASK_UP = Gauge("rapport_worker_task_up", "1 while a worker's background task runs", ["task"])
RETENTION_PURGED = Counter(
    "rapport_retention_purged_total", "Rows deleted by the retention job", ["job"]
)

TaskFactory = Callable[[], Coroutine[Any, Any, None]]


class TasksNotRunningError(Exception):
    """Some supervised tasks are down or not yet started."""


class Supervisor:
    """Runs named coroutines forever, restarting each one that fails or returns.

    Backoff starts at `initial_backoff` and doubles up to `max_backoff`; it resets once a task
    has run for `stable_after` seconds, so a task that fails rarely restarts quickly.
    """

    def __init__(
        self,
        *,
        initial_backoff: float = 0.5,
        max_backoff: float = 30.0,
        stable_after: float = 60.0,
    ) -> None:
        self._initial = initial_backoff
        self._max = max_backoff
        self._stable_after = stable_after
        self._factories: dict[str, TaskFactory] = {}
        self._running: dict[str, bool] = {}
        self._started: dict[str, Callable[[], bool]] = {}
        self._tasks: list[asyncio.Task[None]] = []

    def add(
        self, name: str, factory: TaskFactory, *, started: Callable[[], bool] | None = None
    ) -> None:
        """Register a task; it counts as not running until `start`, and, with `started`, until
        that says the task has finished starting (e.g. a broker has subscribed)."""
        self._factories[name] = factory
        if started is not None:
            self._started[name] = started
        self._running[name] = False
        TASK_UP.labels(name).set(0)

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._keep(name, factory), name=f"supervise-{name}")
            for name, factory in self._factories.items()
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def down(self) -> list[str]:
        """Names of the tasks not running now."""
        return [
            name
            for name, running in self._running.items()
            if not (running and self._started.get(name, lambda: True)())
        ]

    async def tasks_running(self) -> None:
        """Readiness check: raises naming the tasks that are down or not yet started."""
        down = self.down()
        if down:
            raise TasksNotRunningError(f"down: {', '.join(down)}")

    async def _keep(self, name: str, factory: TaskFactory) -> None:
        loop = asyncio.get_running_loop()
        backoff = self._initial
        while True:
            started = loop.time()
            self._set(name, running=True)
            try:
                await factory()
                log.error("worker task %s returned; starting it again in %.1fs", name, backoff)
            except asyncio.CancelledError:
                self._set(name, running=False)
                raise
            except Exception:
                log.exception("worker task %s failed; starting it again in %.1fs", name, backoff)
            self._set(name, running=False)
            if loop.time() - started >= self._stable_after:
                backoff = self._initial
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max)
            TASK_RESTARTS.labels(name).inc()

    def _set(self, name: str, *, running: bool) -> None:
        self._running[name] = running
        TASK_UP.labels(name).set(1 if running else 0)


PURGE_BATCH_SIZE = 10_000

Purge = Callable[[datetime], Awaitable[int]]
"""Deletes the rows of one kind that are older than the moment given; returns how many."""


@dataclass(frozen=True)
class RetentionJob:
    """One kind of row to purge: rows older than `keep` go."""

    name: str
    keep: timedelta
    purge: Purge


def timers_purge(engine: AsyncEngine, table: Table) -> Purge:
    """Fired timers, in batches of their own transactions (set-aside rows stay)."""

    async def purge(older_than: datetime) -> int:
        total = 0
        while True:
            async with AsyncSession(engine) as session, session.begin():
                deleted = await purge_fired_timers(
                    session, table, older_than=older_than, limit=PURGE_BATCH_SIZE
                )
            total += deleted
            if deleted < PURGE_BATCH_SIZE:
                return total

    return purge


def outbox_purge(engine: AsyncEngine, table: Table) -> Purge:
    """Sent outbox rows, in chunks of their own transactions (unsent and set-aside rows stay)."""

    async def purge(older_than: datetime) -> int:
        return await purge_sent(engine, table, older_than=older_than, chunk_size=PURGE_BATCH_SIZE)

    return purge


def inbox_purge(engine: AsyncEngine, table: Table) -> Purge:
    """Seen inbox ids, in one transaction (a plain indexed range delete)."""

    async def purge(older_than: datetime) -> int:
        async with AsyncSession(engine) as session, session.begin():
            return await purge_inbox(session, table, older_than=older_than)

    return purge


def retention_jobs(
    settings: ServiceSettings, engine: AsyncEngine, *, outbox: Table, inbox: Table, timers: Table
) -> list[RetentionJob]:
    """The chassis tables every service has, each kept as long as its setting says."""
    return [
        RetentionJob(
            "outbox", timedelta(days=settings.retention_outbox_days), outbox_purge(engine, outbox)
        ),
        RetentionJob(
            "inbox", timedelta(days=settings.retention_inbox_days), inbox_purge(engine, inbox)
        ),
        RetentionJob(
            "timers", timedelta(days=settings.retention_timers_days), timers_purge(engine, timers)
        ),
    ]


async def run_retention(
    jobs: Sequence[RetentionJob], *, interval_seconds: float, clock: Clock
) -> None:
    """Purge every `interval_seconds`. A job that fails does not stop the others; the round
    then raises, so the supervisor runs it again sooner than the interval."""
    while True:
        failed: list[str] = []
        for job in jobs:
            try:
                deleted = await job.purge(clock.now() - job.keep)
            except Exception:
                log.exception("retention job %s failed", job.name)
                failed.append(job.name)
                continue
            RETENTION_PURGED.labels(job.name).inc(deleted)
            log.info("retention job %s deleted %d rows", job.name, deleted)
        if failed:
            raise RuntimeError(f"retention jobs failed: {', '.join(failed)}")
        await asyncio.sleep(interval_seconds)


async def consume(broker: KafkaBroker, kafka: KafkaConnection, topics: Sequence[str]) -> None:
    """Create the topics (the dead-letter ones too: a broker may refuse to create topics on
    first use), start the broker (its subscribers), and hold it until cancelled."""
    try:
        await ensure_topics(kafka, topics)
        await broker.start()
        await asyncio.Event().wait()
    finally:
        await broker.stop()


# Net allocations before the collector's youngest generation runs. At Python's default of 700
# a consumed batch of thousands of events (a few dozen objects each, all alive until the batch
# commits) set off hundreds of collections, several of them full scans of the heap: decoding a
# batch of 10,000 orders took 34 to 55 us a record instead of 21 (decision 0014).
YOUNG_GENERATION_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    """Collect less often, and never again scan what start-up built (modules, schemas,
    settings): it lives as long as the process."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)


async def run_worker(
    *,
    settings: ServiceSettings,
    broker: KafkaBroker,
    engine: AsyncEngine,
    outbox: Table,
    topics: Sequence[str],
    loops: Mapping[str, TaskFactory],
    readiness_checks: Sequence[ReadinessCheck],
    port: int,
    retention: Sequence[RetentionJob] = (),
    clock: Clock | None = None,
) -> None:
    """Serve the ops endpoints at once and supervise the background tasks until the server is
    told to stop; then cancel the tasks (stopping the broker)."""
    tune_garbage_collector()
    relay = OutboxRelay(
        engine=engine,
        table=outbox,
        kafka=kafka_connection(settings),
        batch_size=settings.outbox_batch_size,
        poll_seconds=settings.outbox_poll_seconds,
        send_timeout=settings.outbox_send_timeout_seconds,
        max_backoff_seconds=settings.outbox_max_backoff_seconds,
        clock=clock,
    )
    supervisor = Supervisor(
        initial_backoff=settings.restart_initial_backoff_seconds,
        max_backoff=settings.restart_max_backoff_seconds,
    )
    supervisor.add(
        "kafka-consumers",
        lambda: consume(broker, kafka_connection(settings), topics),
        started=lambda: broker.running,
    )
    # The relay retries its own faults; it counts as down until a pass succeeds again.
    supervisor.add("outbox-relay", relay.run, started=lambda: relay.healthy)
    for name, loop in loops.items():
        supervisor.add(name, loop)
    if retention:
        supervisor.add(
            "retention",
            lambda: run_retention(
                retention,
                interval_seconds=settings.retention_interval_seconds,
                clock=clock or SystemClock(),
            ),
        )

    async def kafka_ready() -> None:
        if not await broker.ping(timeout=2.0):
            raise ConnectionError("the Kafka broker does not answer")

    ops = create_app(
        service=f"{settings.service_name}-worker",
        title=f"Rapport {settings.service_name} worker",
        readiness_checks=[supervisor.tasks_running, *readiness_checks, kafka_ready],
    )
    server = uvicorn.Server(
        uvicorn.Config(ops, host=settings.bind_host, port=port, log_config=None)
    )
    supervisor.start()
    try:
        await server.serve()
    finally:
        await supervisor.stop()

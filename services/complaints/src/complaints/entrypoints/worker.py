"""The worker process: accounts consumer, outbox relay, SLA timer scheduler, gauges, health and
metrics. `python -m complaints.entrypoints.worker`; several copies may run side by side."""

import asyncio
import gc
import logging
from datetime import datetime

from chassis.kafka import kafka_connection, make_broker
from chassis.logging import configure_logging
from chassis.scheduler import DueTimer, TimerScheduler
from chassis.unit_of_work import SqlUnitOfWork
from chassis.worker import retention_jobs, run_worker
from complaints.adapters.tables import inbox, outbox, timers
from complaints.bootstrap import Complaints, bootstrap
from complaints.config import ComplaintsSettings
from complaints.messaging.accounts_subscriber import register_accounts_consumer
from complaints.metrics import (
    BREACHED_OPEN,
    CLOCKS_BY_TIME_TO_BREACH,
    OPEN_TICKETS,
    SECONDS_TO_NEXT_BREACH,
    TIME_TO_BREACH_BUCKETS,
)
from complaints.service_layer.handlers import fire_due_timers, stage_coming_events
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.complaints_v1 import TICKETS_TOPIC

log = logging.getLogger(__name__)


def sla_scheduler(app: Complaints) -> TimerScheduler:
    async def handle(*, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        await fire_due_timers(uow=uow, timers=timers, now=now, settings=app.sla)

    async def stage(*, uow: SqlUnitOfWork, keys: list[str], now: datetime, until: datetime) -> None:
        await stage_coming_events(uow=uow, keys=keys, now=now, until=until, settings=app.sla)

    return TimerScheduler(
        name="complaints-sla",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=handle,
        clock=app.clock,
        batch_size=app.settings.timer_batch_size,
        max_sleep_seconds=app.settings.timer_max_sleep_seconds,
        stager=stage,
        stage_ahead=app.settings.stage_ahead,
        staged_grace=app.settings.staged_grace,
    )


async def refresh_gauges(app: Complaints) -> None:
    """Keep the SLA gauges current; any copy of the worker may do it (they agree)."""
    while True:
        try:
            async with app.uow() as uow:
                now = app.clock.now()
                figures = await uow.queries.sla_gauges(now=now, within=TIME_TO_BREACH_BUCKETS)
            for severity, count in figures["open_by_severity"].items():
                OPEN_TICKETS.labels(str(severity)).set(count)
            BREACHED_OPEN.set(figures["breached_open"])
            nearest = figures["nearest_deadline"]
            SECONDS_TO_NEXT_BREACH.set(
                (nearest - now).total_seconds() if nearest is not None else float("inf")
            )
            for label, count in figures["running_within"].items():
                CLOCKS_BY_TIME_TO_BREACH.labels(label).set(count)
        except Exception:
            log.exception("refreshing the SLA gauges failed")
        await asyncio.sleep(app.settings.gauge_refresh_seconds)


async def run(app: Complaints) -> None:
    broker = make_broker(kafka_connection(app.settings), client_id="complaints-worker")
    consumer = register_accounts_consumer(broker, app)
    try:
        await run_worker(
            settings=app.settings,
            broker=broker,
            engine=app.engine,
            outbox=outbox,
            topics=[ACCOUNTS_TOPIC, TICKETS_TOPIC, consumer.dead_letter_topic],
            loops={
                "sla-timers": sla_scheduler(app).run,
                "sla-gauges": lambda: refresh_gauges(app),
            },
            readiness_checks=[app.check_database],
            retention=retention_jobs(
                app.settings, app.engine, outbox=outbox, inbox=inbox, timers=timers
            ),
            port=app.settings.worker_port,
            clock=app.clock,
        )
    finally:
        await app.dispose()


def main() -> None:
    settings = ComplaintsSettings()
    configure_logging("complaints-worker", settings.log_level)
    app = bootstrap(settings)
    # Everything imported and built so far lives as long as the process: frozen, the collector
    # no longer walks it on every full collection (those took 75 to 120 ms here, 250 to 360 ms
    # on a loaded machine, each a pause of every staged event due meanwhile; decision 0015).
    gc.freeze()
    asyncio.run(run(app))


if __name__ == "__main__":
    main()

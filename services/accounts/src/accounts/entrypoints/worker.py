"""The worker process: ERP and signal consumers, outbox relay, timers, health and metrics.

`python -m accounts.entrypoints.worker`; run as many copies as there are partitions (the
relay and the timer scheduler share their rows with `SKIP LOCKED`).
"""

import asyncio
import contextlib
from datetime import datetime

import uvicorn

from accounts.adapters.tables import outbox, timers
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.messaging.erp_subscriber import register_erp_consumer
from accounts.messaging.signals_subscriber import register_signals_consumer
from accounts.service_layer.timers import handle_due_timers
from chassis.http import create_app
from chassis.kafka import ensure_topics, make_broker
from chassis.logging import configure_logging
from chassis.outbox import OutboxRelay
from chassis.scheduler import DueTimer, TimerScheduler
from chassis.unit_of_work import SqlUnitOfWork
from contracts.registry import TOPICS


def timer_scheduler(app: Accounts) -> TimerScheduler:
    rules = app.rules

    async def fire(*, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        await handle_due_timers(uow=uow, timers=timers, now=now, rules=rules)

    return TimerScheduler(
        name="accounts",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=fire,
        clock=app.clock,
        max_sleep_seconds=app.settings.timer_max_sleep_seconds,
    )


async def run(app: Accounts) -> None:
    settings = app.settings
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="accounts-worker")
    register_erp_consumer(broker, app)
    register_signals_consumer(broker, app)
    relay = OutboxRelay(
        engine=app.engine,
        table=outbox,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        batch_size=settings.outbox_batch_size,
        poll_seconds=settings.outbox_poll_seconds,
    )
    scheduler = timer_scheduler(app)

    async def kafka_ready() -> None:
        await broker.ping(timeout=2.0)

    ops = create_app(
        service="accounts-worker",
        title="Rapport accounts worker",
        readiness_checks=[app.check_database, kafka_ready],
    )
    server = uvicorn.Server(
        uvicorn.Config(ops, host=settings.bind_host, port=settings.worker_port, log_config=None)
    )
    await ensure_topics(settings.kafka_bootstrap_servers, [topic.name for topic in TOPICS])
    await broker.start()
    tasks = [
        asyncio.create_task(relay.run(), name="outbox-relay"),
        asyncio.create_task(scheduler.run(), name="timer-scheduler"),
    ]
    try:
        await server.serve()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await broker.stop()
        await app.dispose()


def main() -> None:
    settings = AccountsSettings()
    configure_logging("accounts-worker", settings.log_level)
    asyncio.run(run(bootstrap(settings)))


if __name__ == "__main__":
    main()

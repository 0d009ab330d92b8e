"""The worker process: ERP, signal and plan consumers, outbox relay, timers, health, metrics.

`python -m accounts.entrypoints.worker`; run as many copies as there are partitions (the
relay and the timer scheduler share their rows with `SKIP LOCKED`).
"""

import asyncio
from datetime import datetime

from accounts.adapters.tables import inbox, outbox, timers
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.messaging.erp_subscriber import register_erp_consumer
from accounts.messaging.plan_subscriber import register_plan_consumer
from accounts.messaging.privacy_subscriber import register_privacy_consumer
from accounts.messaging.signals_subscriber import register_signals_consumer
from accounts.service_layer.cards import republish_key_dates
from accounts.service_layer.privacy import schedule_dormant_sweep
from accounts.service_layer.timers import handle_due_timers
from chassis.kafka import kafka_connection, make_broker
from chassis.logging import configure_logging
from chassis.scheduler import DueTimer, TimerScheduler
from chassis.unit_of_work import SqlUnitOfWork
from chassis.worker import retention_jobs, run_worker
from contracts.accounts_v1 import ACCOUNTS_TOPIC

# Cards whose key dates are republished per transaction.
KEY_DATES_REPUBLISH_BATCH = 500


def timer_scheduler(app: Accounts) -> TimerScheduler:
    rules, privacy = app.rules, app.privacy

    async def fire(*, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        await handle_due_timers(uow=uow, timers=timers, now=now, rules=rules, privacy=privacy)

    return TimerScheduler(
        name="accounts",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=fire,
        clock=app.clock,
        max_sleep_seconds=app.settings.timer_max_sleep_seconds,
    )


async def republish_queued_key_dates(app: Accounts) -> None:
    """Drain the one-off key dates queue (migration 0007) a batch per transaction, then idle:
    the queue is filled only by that migration, so there is nothing more to do."""
    while await republish_key_dates(
        uow=app.uow(), now=app.clock.now(), limit=KEY_DATES_REPUBLISH_BATCH
    ):
        pass
    await asyncio.Event().wait()


async def start_dormant_sweep(app: Accounts) -> None:
    """Make sure the dormant accounts sweep is scheduled (it reschedules itself), then idle."""
    await schedule_dormant_sweep(uow=app.uow(), now=app.clock.now())
    await asyncio.Event().wait()


async def run(app: Accounts) -> None:
    broker = make_broker(kafka_connection(app.settings), client_id="accounts-worker")
    consumers = [
        register_erp_consumer(broker, app),
        register_signals_consumer(broker, app),
        register_plan_consumer(broker, app),
        register_privacy_consumer(broker, app),
    ]
    try:
        await run_worker(
            settings=app.settings,
            broker=broker,
            engine=app.engine,
            outbox=outbox,
            # Its own topic and those it reads: the ACLs let it see (and create) no others.
            topics=[
                ACCOUNTS_TOPIC,
                *(topic for consumer in consumers for topic in consumer.topics),
                *(consumer.dead_letter_topic for consumer in consumers),
            ],
            loops={
                "timer-scheduler": timer_scheduler(app).run,
                "key-dates-republish": lambda: republish_queued_key_dates(app),
                "dormant-sweep-start": lambda: start_dormant_sweep(app),
            },
            readiness_checks=[app.check_database],
            retention=retention_jobs(
                app.settings, app.engine, outbox=outbox, inbox=inbox, timers=timers
            ),
            port=app.settings.worker_port,
        )
    finally:
        await app.dispose()


def main() -> None:
    settings = AccountsSettings()
    configure_logging("accounts-worker", settings.log_level)
    asyncio.run(run(bootstrap(settings)))


if __name__ == "__main__":
    main()

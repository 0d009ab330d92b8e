"""The worker process: consumers, outbox relay, the plan upkeep scheduler, the policy
catch-up, retention, health and metrics. `python -m engagement.entrypoints.worker`; several
copies may run side by side."""

import asyncio
import logging
from datetime import datetime
from typing import cast

from chassis.kafka import kafka_connection, make_broker
from chassis.logging import configure_logging
from chassis.scheduler import DueTimer, TimerScheduler
from chassis.unit_of_work import SqlUnitOfWork
from chassis.worker import retention_jobs, run_worker
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.complaints_v1 import TICKETS_TOPIC
from contracts.erp_v1 import ORDERS_TOPIC
from contracts.registry import TOPICS
from engagement.adapters.tables import inbox, outbox, timers
from engagement.bootstrap import Engagement, bootstrap
from engagement.config import EngagementSettings
from engagement.domain.plan import ITEM_STATES
from engagement.messaging.subscribers import register_consumers
from engagement.metrics import ACCOUNTS_BEHIND_POLICY, PLAN_ITEMS
from engagement.service_layer.handlers import catch_up_with_policy, fire_upkeep
from engagement.service_layer.unit_of_work import EngagementUnitOfWork

log = logging.getLogger(__name__)


def upkeep_scheduler(app: Engagement) -> TimerScheduler:
    """Marks missed items and rolls each account's plan forward when its timer falls due."""

    async def handle(*, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime) -> None:
        await fire_upkeep(
            uow=cast(EngagementUnitOfWork, uow), timers=timers, now=now, settings=app.plan
        )

    return TimerScheduler(
        name="engagement-upkeep",
        engine=app.engine,
        table=timers,
        unit_of_work=app.uow,
        handler=handle,
        clock=app.clock,
        batch_size=app.settings.timer_batch_size,
        max_sleep_seconds=app.settings.timer_max_sleep_seconds,
    )


async def follow_policy(app: Engagement) -> None:
    """Re-plan, a batch at a time, every account behind the active cadence policy; then look
    again every few seconds (a new version may be activated at any time)."""
    while True:
        replanned = await catch_up_with_policy(
            uow=app.uow(),
            now=app.clock.now(),
            settings=app.plan,
            batch_size=app.settings.policy_batch_size,
        )
        if not replanned:
            await asyncio.sleep(app.settings.policy_poll_seconds)


async def refresh_gauges(app: Engagement) -> None:
    """Keep the plan gauges current; any copy of the worker may do it (they agree)."""
    while True:
        try:
            async with app.uow() as uow:
                by_state = await uow.queries.plan_counts()
                active = await uow.policies.active()
                behind = await uow.accounts.count_behind_policy(active.version)
            for state in ITEM_STATES:
                PLAN_ITEMS.labels(state).set(by_state.get(state, 0))
            ACCOUNTS_BEHIND_POLICY.set(behind)
        except Exception:
            log.exception("refreshing the plan gauges failed")
        await asyncio.sleep(app.settings.gauge_refresh_seconds)


async def run(app: Engagement) -> None:
    broker = make_broker(kafka_connection(app.settings), client_id="engagement-worker")
    consumers = register_consumers(broker, app)
    try:
        await run_worker(
            settings=app.settings,
            broker=broker,
            engine=app.engine,
            outbox=outbox,
            topics=[
                ACCOUNTS_TOPIC,
                ORDERS_TOPIC,
                TICKETS_TOPIC,
                *(topic.name for topic in TOPICS if topic.owner == "engagement"),
                *(consumer.dead_letter_topic for consumer in consumers),
            ],
            loops={
                "plan-upkeep": upkeep_scheduler(app).run,
                "policy-catch-up": lambda: follow_policy(app),
                "gauges": lambda: refresh_gauges(app),
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
    settings = EngagementSettings()
    configure_logging("engagement-worker", settings.log_level)
    asyncio.run(run(bootstrap(settings)))


if __name__ == "__main__":
    main()

"""The worker process: one consumer group per source topic set, retention, health and metrics.
`python -m reporting.entrypoints.worker`; several copies may run side by side."""

import asyncio
from datetime import timedelta

from chassis.kafka import kafka_connection, make_broker
from chassis.logging import configure_logging
from chassis.worker import RetentionJob, inbox_purge, run_worker
from reporting.adapters.tables import inbox, outbox
from reporting.bootstrap import Reporting, bootstrap
from reporting.config import ReportingSettings
from reporting.messaging.subscribers import register_consumers, source_topics


async def run(app: Reporting) -> None:
    broker = make_broker(kafka_connection(app.settings), client_id="reporting-worker")
    consumers = register_consumers(broker, app)
    try:
        await run_worker(
            settings=app.settings,
            broker=broker,
            engine=app.engine,
            outbox=outbox,
            topics=[
                *source_topics(app.settings.topic_prefix),
                *(consumer.dead_letter_topic for consumer in consumers),
            ],
            loops={},
            readiness_checks=[app.check_database],
            # Reporting has no timers and publishes nothing: only seen inbox ids expire.
            retention=[
                RetentionJob(
                    "inbox",
                    timedelta(days=app.settings.retention_inbox_days),
                    inbox_purge(app.engine, inbox),
                )
            ],
            port=app.settings.worker_port,
            clock=app.clock,
        )
    finally:
        await app.dispose()


def main() -> None:
    settings = ReportingSettings()
    configure_logging("reporting-worker", settings.log_level)
    asyncio.run(run(bootstrap(settings)))


if __name__ == "__main__":
    main()

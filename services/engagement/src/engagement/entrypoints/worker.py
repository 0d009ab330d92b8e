"""The worker process: consumers, outbox relay, health and metrics.
`python -m engagement.entrypoints.worker`; several copies may run side by side."""

import asyncio

from chassis.kafka import make_broker
from chassis.logging import configure_logging
from chassis.worker import run_worker
from engagement.adapters.tables import outbox
from engagement.bootstrap import Engagement, bootstrap
from engagement.config import EngagementSettings


async def run(app: Engagement) -> None:
    broker = make_broker(app.settings.kafka_bootstrap_servers, client_id="engagement-worker")
    try:
        await run_worker(
            settings=app.settings,
            broker=broker,
            engine=app.engine,
            outbox=outbox,
            topics=[],
            loops={},
            readiness_checks=[app.check_database],
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

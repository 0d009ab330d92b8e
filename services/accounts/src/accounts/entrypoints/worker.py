"""The worker process: ERP consumer, outbox relay, health and metrics.

`python -m accounts.entrypoints.worker`; run as many copies as there are partitions.
"""

import asyncio
import contextlib

import uvicorn

from accounts.adapters.tables import outbox
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.messaging.erp_subscriber import register_erp_consumer
from chassis.http import create_app
from chassis.kafka import make_broker
from chassis.logging import configure_logging
from chassis.outbox import OutboxRelay


async def run(app: Accounts) -> None:
    settings = app.settings
    broker = make_broker(settings.kafka_bootstrap_servers, client_id="accounts-worker")
    register_erp_consumer(broker, app)
    relay = OutboxRelay(
        engine=app.engine,
        table=outbox,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        batch_size=settings.outbox_batch_size,
        poll_seconds=settings.outbox_poll_seconds,
    )

    async def kafka_ready() -> None:
        await broker.ping(timeout=2.0)

    ops = create_app(
        service="accounts-worker",
        title="Rapport accounts worker",
        readiness_checks=[app.check_database, kafka_ready],
    )
    server = uvicorn.Server(
        uvicorn.Config(ops, host="127.0.0.1", port=settings.worker_port, log_config=None)
    )
    await broker.start()
    relay_task = asyncio.create_task(relay.run(), name="outbox-relay")
    try:
        await server.serve()
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
        await broker.stop()
        await app.dispose()


def main() -> None:
    settings = AccountsSettings()
    configure_logging("accounts-worker", settings.log_level)
    asyncio.run(run(bootstrap(settings)))


if __name__ == "__main__":
    main()

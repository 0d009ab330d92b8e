"""The life of a worker process, the same in every service: topics, consumers, outbox relay,
the service's own background loops, and `/healthz` `/readyz` `/metrics` until SIGTERM."""

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

import uvicorn
from faststream.kafka import KafkaBroker
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from chassis.clock import Clock
from chassis.http import ReadinessCheck, create_app
from chassis.kafka import ensure_topics
from chassis.outbox import OutboxRelay
from chassis.settings import ServiceSettings


async def run_worker(
    *,
    settings: ServiceSettings,
    broker: KafkaBroker,
    engine: AsyncEngine,
    outbox: Table,
    topics: Sequence[str],
    loops: Mapping[str, Callable[[], Coroutine[Any, Any, None]]],
    readiness_checks: Sequence[ReadinessCheck],
    port: int,
    clock: Clock | None = None,
) -> None:
    """Run until the ops server is told to stop; then cancel the loops and stop the broker."""
    relay = OutboxRelay(
        engine=engine,
        table=outbox,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        batch_size=settings.outbox_batch_size,
        poll_seconds=settings.outbox_poll_seconds,
        clock=clock,
    )

    async def kafka_ready() -> None:
        await broker.ping(timeout=2.0)

    ops = create_app(
        service=f"{settings.service_name}-worker",
        title=f"Rapport {settings.service_name} worker",
        readiness_checks=[*readiness_checks, kafka_ready],
    )
    server = uvicorn.Server(
        uvicorn.Config(ops, host=settings.bind_host, port=port, log_config=None)
    )
    await ensure_topics(settings.kafka_bootstrap_servers, topics)
    await broker.start()
    tasks = [asyncio.create_task(relay.run(), name="outbox-relay")] + [
        asyncio.create_task(loop(), name=name) for name, loop in loops.items()
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

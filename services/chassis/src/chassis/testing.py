"""Pytest plugin: the real Kafka broker and PostgreSQL for integration and end-to-end tests.

Where they come from, in order: `KAFKA_BOOTSTRAP_SERVERS` and `DATABASE_URL` when both are set;
testcontainers when a Docker engine answers; otherwise the project's own
`deploy/local/stack.sh infra-up` (the same script `make up` uses). Each test session gets a
fresh database of its own on that server (dropped at the end), so sessions never collide.

Also: small helpers to produce raw records, read topics and wait on a condition.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.db import asyncpg_url

T = TypeVar("T")

REPO_ROOT = Path(__file__).resolve().parents[4]


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap_servers: str
    admin_database_url: str

    @property
    def database(self) -> str:
        return str(make_url(self.admin_database_url).database)

    def admin_url_for(self, database: str) -> str:
        return (
            make_url(asyncpg_url(self.admin_database_url))
            .set(database=database)
            .render_as_string(hide_password=False)
        )


def _docker_available() -> bool:
    if shutil.which("docker") is None:
        return False
    return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0


def _from_local_stack() -> Infrastructure:
    stack = REPO_ROOT / "deploy" / "local" / "stack.sh"
    subprocess.run([str(stack), "infra-up"], check=True)
    exports = subprocess.run([str(stack), "env"], check=True, capture_output=True, text=True)
    values = dict(
        line.removeprefix("export ").split("=", 1)
        for line in exports.stdout.splitlines()
        if line.startswith("export ")
    )
    return Infrastructure(
        values["KAFKA_BOOTSTRAP_SERVERS"].strip("'\""), values["DATABASE_URL"].strip("'\"")
    )


def _from_containers(stack: ExitStack) -> Infrastructure:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
    postgres = stack.enter_context(PostgresContainer("postgres:16", driver=None))
    return Infrastructure(kafka.get_bootstrap_server(), postgres.get_connection_url())


async def _recreate_database(infra: Infrastructure, database: str, *, create: bool = True) -> None:
    engine = create_async_engine(infra.admin_url_for("postgres"), isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        if create:
            await connection.execute(text(f'CREATE DATABASE "{database}"'))
    await engine.dispose()


@pytest.fixture(scope="session")
def infrastructure() -> Iterator[Infrastructure]:
    with ExitStack() as stack:
        if os.environ.get("KAFKA_BOOTSTRAP_SERVERS") and os.environ.get("DATABASE_URL"):
            infra = Infrastructure(
                os.environ["KAFKA_BOOTSTRAP_SERVERS"], os.environ["DATABASE_URL"]
            )
        elif _docker_available():
            infra = _from_containers(stack)
        else:
            infra = _from_local_stack()
        database = f"rapport_test_{uuid.uuid4().hex[:8]}"
        asyncio.run(_recreate_database(infra, database))
        yield Infrastructure(infra.kafka_bootstrap_servers, infra.admin_url_for(database))
        asyncio.run(_recreate_database(infra, database, create=False))


def unique(prefix: str) -> str:
    """An id no other test or earlier run uses, so tests share the broker without colliding."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def eventually(
    probe: Callable[[], Awaitable[T | None]], *, within: float = 60.0, interval: float = 0.2
) -> T:
    """Poll `probe` until it returns something truthy; fail with the last value after timeout."""
    deadline = time.monotonic() + within
    last: T | None = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not met within {within}s; last value: {last!r}")


@pytest.fixture
async def kafka_producer(infrastructure: Infrastructure) -> AsyncIterator[AIOKafkaProducer]:
    """A plain Kafka producer, as any ERP integrator would use."""
    producer = AIOKafkaProducer(
        bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        acks="all",
        enable_idempotence=True,
    )
    await producer.start()
    yield producer
    await producer.stop()


async def read_topic(
    bootstrap_servers: str,
    topic: str,
    *,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool],
    keep: Callable[[ConsumerRecord[Any, Any]], bool] = lambda _: True,
    within: float = 60.0,
) -> list[ConsumerRecord[Any, Any]]:
    """Read a topic from the beginning, keeping matching records, until `until(kept)` holds."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    kept: list[ConsumerRecord[Any, Any]] = []
    deadline = time.monotonic() + within
    try:
        while not until(kept):
            if time.monotonic() > deadline:
                raise AssertionError(f"{topic}: condition not met within {within}s; kept {kept!r}")
            batches = await consumer.getmany(timeout_ms=500)
            kept += [record for records in batches.values() for record in records if keep(record)]
    finally:
        await consumer.stop()
    return kept


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServiceProcess:
    """A service entrypoint run as a real OS process, as `make up` runs it."""

    def __init__(self, argv: list[str], *, env: dict[str, str], port: int, log_path: Path) -> None:
        self.argv = argv
        self.env = {**os.environ, **env}
        self.port = port
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServiceProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, *self.argv], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def wait_ready(self, within: float = 60.0) -> None:
        async def ready() -> bool:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"{self.argv} exited early:\n{self.log_tail()}")
            try:
                async with httpx.AsyncClient(timeout=1.0) as client:
                    return (await client.get(f"{self.base_url}/readyz")).status_code == 200
            except httpx.HTTPError:
                return False

        await eventually(ready, within=within)

    async def wait_exit(self, within: float = 60.0) -> int:
        async def exit_code() -> tuple[int] | None:
            assert self.process is not None
            code = self.process.poll()
            return None if code is None else (code,)

        (code,) = await eventually(exit_code, within=within)
        return code

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def migrate_service(infra: Infrastructure, service: str, *, database: str | None = None) -> str:
    """Provision the service's role and schema in `database` and migrate it; returns its URL."""
    admin_url = infra.admin_url_for(database or infra.database)
    subprocess.run(
        [sys.executable, "-m", f"{service}.entrypoints.migrate", "--admin-url", admin_url],
        check=True,
        capture_output=True,
    )
    return (
        make_url(admin_url)
        .set(username=service, password=service)
        .render_as_string(hide_password=False)
    )


async def create_database(infra: Infrastructure, database: str) -> None:
    """A fresh, empty database on the test server (dropped first if it exists)."""
    await _recreate_database(infra, database)


@asynccontextmanager
async def scratch_database(infra: Infrastructure, prefix: str) -> AsyncIterator[str]:
    """A database of its own for one test, dropped afterwards."""
    database = unique(prefix).replace("-", "_")
    await _recreate_database(infra, database)
    try:
        yield database
    finally:
        await _recreate_database(infra, database, create=False)


async def start_group_at_end(bootstrap_servers: str, group: str, topics: list[str]) -> None:
    """Commit a consumer group's offsets at the end of the topics, so it reads only what comes next."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partitions = [
            partition
            for topic in topics
            for partition in await topic_partitions(bootstrap_servers, topic)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        await consumer.commit({tp: await consumer.position(tp) for tp in partitions})
    finally:
        await consumer.stop()


async def topic_partitions(bootstrap_servers: str, topic: str) -> list[TopicPartition]:
    """The partitions of a topic, as the broker describes them."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        (description,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, p["partition"]) for p in description["partitions"]]

"""A service's processes for tests: the same entrypoints `make up` starts, as real OS processes.

`ServiceUnderTest.prepare` is the one way a suite gets a service: its schema migrated, consumer
groups of its own that start at the end of the topics they read (the shared broker keeps every
earlier run's events; a test reads only what it publishes), and free ports. Its `env` also
builds the service's settings for tests that run it in-process.
"""

import dataclasses
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from chassis.kafka import KafkaConnection, ensure_topics
from chassis.testing.infrastructure import REPO_ROOT, Infrastructure, migrate_service, unique
from chassis.testing.kafka import start_group_at_end
from chassis.testing.waiting import eventually

LOG_DIR = REPO_ROOT / ".local" / "test-logs"


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


@dataclass(frozen=True)
class ServiceUnderTest:
    """One service as a test runs it: `name` (its package and env prefix) and its env."""

    name: str
    env: dict[str, str]

    @classmethod
    async def prepare(
        cls,
        infrastructure: Infrastructure,
        name: str,
        *,
        consumes: Mapping[str, Sequence[str]],
        database: str | None = None,
        env: Mapping[str, str] | None = None,
        kafka: KafkaConnection | None = None,
    ) -> "ServiceUnderTest":
        """Migrate the service's schema (in `database`, else the session's), start each of its
        consumer groups (`consumes`: group suffix -> topics) at the end, pick free ports.
        `env` adds or overrides settings (`<NAME>_...`). The service signs in to Kafka as
        `kafka`, by default its own principal, held to the ACLs as in production."""
        admin = infrastructure.kafka
        own = kafka or infrastructure.kafka_as(name)
        prefix = unique(f"{name}-test")
        database_url = migrate_service(infrastructure, name, database=database)
        # Last, so that what others publish in the meantime (the broker is shared) stays out.
        for group, topics in consumes.items():
            await ensure_topics(admin, list(topics))
            await start_group_at_end(admin, f"{prefix}.{group}", list(topics))
        variable = name.upper()
        values = {
            f"{variable}_DATABASE_URL": database_url,
            f"{variable}_KAFKA_BOOTSTRAP_SERVERS": own.bootstrap_servers,
            f"{variable}_KAFKA_USERNAME": own.username,
            f"{variable}_KAFKA_PASSWORD": own.password,
            f"{variable}_CONSUMER_GROUP_PREFIX": prefix,
            f"{variable}_API_PORT": str(free_port()),
            f"{variable}_WORKER_PORT": str(free_port()),
        }
        return cls(name, {**values, **(env or {})})

    def another_copy(self) -> "ServiceUnderTest":
        """The same service (schema, consumer groups) on ports of its own: copies side by side."""
        ports = {f"{self.name.upper()}_{kind}_PORT": str(free_port()) for kind in ("API", "WORKER")}
        return dataclasses.replace(self, env={**self.env, **ports})

    def setting(self, key: str) -> str:
        """One of the service's env settings: `setting("DATABASE_URL")`."""
        return self.env[f"{self.name.upper()}_{key}"]

    @property
    def database_url(self) -> str:
        return self.setting("DATABASE_URL")

    def process(self, kind: str, *, argv: list[str] | None = None) -> ServiceProcess:
        """The `api` or `worker` entrypoint (or `argv` run in its place, on its port), not started."""
        port = int(self.setting(f"{kind.upper()}_PORT"))
        log_name = f"{self.name}-{kind}-{self.setting('CONSUMER_GROUP_PREFIX')}-{port}.log"
        return ServiceProcess(
            argv or ["-m", f"{self.name}.entrypoints.{kind}"],
            env=self.env,
            port=port,
            log_path=LOG_DIR / log_name,
        )

    @asynccontextmanager
    async def running(self, *kinds: str) -> AsyncIterator[dict[str, ServiceProcess]]:
        """Start the entrypoints, wait until each is ready, stop them all afterwards."""
        processes = {kind: self.process(kind).start() for kind in kinds}
        try:
            for process in processes.values():
                await process.wait_ready()
            yield processes
        finally:
            for process in processes.values():
                process.stop()

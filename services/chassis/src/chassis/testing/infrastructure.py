"""The real Kafka broker and PostgreSQL for integration and end-to-end tests.

Where they come from, in order: `KAFKA_BOOTSTRAP_SERVERS` and `DATABASE_URL` when both are set;
testcontainers when a Docker engine answers; otherwise the project's own
`deploy/local/stack.sh infra-up` (the same script `make up` uses). Each test session gets a
fresh database of its own on that server (dropped at the end), so sessions never collide.

Tests reach Kafka as the super user `admin` (`Infrastructure.kafka`: they create topics and
play any producer); each service they start signs in as its own principal (`kafka_as`), with
the SCRAM passwords `RAPPORT_KAFKA_<NAME>_PASSWORD` (the stack's `env`, else `<name>-secret`).
"""

import asyncio
import dataclasses
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.db import asyncpg_url
from chassis.kafka import KafkaConnection
from chassis.migrations import schema_drift

REPO_ROOT = Path(__file__).resolve().parents[5]
PASSWORD_VARIABLE = re.compile(r"RAPPORT_KAFKA_([A-Z0-9_]+)_PASSWORD")


def kafka_passwords(values: Mapping[str, str]) -> dict[str, str]:
    """The principals' passwords in `values`, from `RAPPORT_KAFKA_<NAME>_PASSWORD`."""
    return {
        match.group(1).lower(): value.strip("'\"")
        for key, value in values.items()
        if (match := PASSWORD_VARIABLE.fullmatch(key))
    }


@dataclass(frozen=True)
class Infrastructure:
    bootstrap_servers: str
    admin_database_url: str
    passwords: Mapping[str, str]

    @property
    def kafka(self) -> KafkaConnection:
        """The super user: creates topics, publishes and reads anything."""
        return self.kafka_as("admin")

    def kafka_as(self, principal: str) -> KafkaConnection:
        password = self.passwords.get(principal, f"{principal}-secret")
        return KafkaConnection(self.bootstrap_servers, principal, password)

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
    if "RAPPORT_OIDC_ISSUER" in values:
        # The stack's Keycloak (infra-up starts it): every service process a test starts, and
        # the front door, trust the realm the tests take their tokens from.
        os.environ.setdefault("RAPPORT_OIDC_ISSUER", values["RAPPORT_OIDC_ISSUER"].strip("'\""))
    return Infrastructure(
        values["KAFKA_BOOTSTRAP_SERVERS"].strip("'\""),
        values["DATABASE_URL"].strip("'\""),
        kafka_passwords(values),
    )


def _from_containers(stack: ExitStack) -> Infrastructure:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    kafka = stack.enter_context(KafkaContainer("apache/kafka:4.1.1").with_kraft())
    postgres = stack.enter_context(PostgresContainer("postgres:16", driver=None))
    return Infrastructure(
        kafka.get_bootstrap_server(), postgres.get_connection_url(), kafka_passwords({})
    )


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
                os.environ["KAFKA_BOOTSTRAP_SERVERS"],
                os.environ["DATABASE_URL"],
                kafka_passwords(os.environ),
            )
        elif _docker_available():
            infra = _from_containers(stack)
        else:
            infra = _from_local_stack()
        database = f"rapport_test_{uuid.uuid4().hex[:8]}"
        asyncio.run(_recreate_database(infra, database))
        yield dataclasses.replace(infra, admin_database_url=infra.admin_url_for(database))
        asyncio.run(_recreate_database(infra, database, create=False))


def unique(prefix: str) -> str:
    """An id no other test or earlier run uses, so tests share the broker without colliding."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


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


async def drift_after_migrations(
    infra: Infrastructure, service: str, metadata: MetaData
) -> list[Any]:
    """Migrate `service` into a scratch database and compare the result with its table
    definitions (`chassis.migrations.schema_drift`); empty when they agree."""
    async with scratch_database(infra, f"{service}_drift") as database:
        migrate_service(infra, service, database=database)
        return await schema_drift(infra.admin_url_for(database), metadata)

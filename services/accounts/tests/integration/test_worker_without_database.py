"""The real accounts worker process started before its database exists: it stays up, says
which tasks are down, and becomes ready by itself once the database is created and migrated."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from accounts_fixtures import ACCOUNTS_CONSUMES
from chassis.testing import (
    Infrastructure,
    ServiceUnderTest,
    create_database,
    eventually,
    free_port,
    migrate_service,
    start_group_at_end,
    unique,
)

pytestmark = pytest.mark.integration


async def test_a_worker_started_without_its_database_recovers_when_it_appears(
    infrastructure: Infrastructure,
) -> None:
    database = unique("rapport_late").replace("-", "_")
    url = (
        make_url(infrastructure.admin_url_for(database))
        .set(username="accounts", password="accounts")
        .render_as_string(hide_password=False)
    )
    prefix = unique("accounts-late")
    service = ServiceUnderTest(
        "accounts",
        {
            "ACCOUNTS_DATABASE_URL": url,
            "ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS": infrastructure.bootstrap_servers,
            "ACCOUNTS_KAFKA_PASSWORD": infrastructure.kafka_as("accounts").password,
            "ACCOUNTS_CONSUMER_GROUP_PREFIX": prefix,
            "ACCOUNTS_API_PORT": str(free_port()),
            "ACCOUNTS_WORKER_PORT": str(free_port()),
        },
    )
    for group, topics in ACCOUNTS_CONSUMES.items():
        await start_group_at_end(infrastructure.kafka, f"{prefix}.{group}", topics)
    worker = service.process("worker").start()
    try:

        async def not_ready() -> list[str] | None:
            assert worker.process is not None and worker.process.poll() is None, worker.log_tail()
            try:
                async with httpx.AsyncClient(timeout=5.0) as client:
                    response = await client.get(f"{worker.base_url}/readyz")
            except httpx.HTTPError:
                return None
            if response.status_code != 503:
                return None
            return [str(detail) for detail in response.json()["error"]["details"]]

        details = await eventually(not_ready)
        assert any("check_database" in detail for detail in details), details
        assert any("outbox-relay" in detail for detail in details), details
        assert worker.process is not None and worker.process.poll() is None

        await create_database(infrastructure, database)
        migrate_service(infrastructure, "accounts", database=database)
        await worker.wait_ready(within=120)
    finally:
        worker.stop()
        await worker.wait_exit()
        admin = create_async_engine(
            infrastructure.admin_url_for("postgres"), isolation_level="AUTOCOMMIT"
        )
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        await admin.dispose()

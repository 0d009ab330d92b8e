"""Fixtures the chassis's outbox tests share: an administrator's engine and an outbox table in a
schema of its own."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData, Table, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chassis.outbox import outbox_table
from chassis.testing import Infrastructure, unique


@pytest.fixture
async def admin_engine(infrastructure: Infrastructure) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(infrastructure.admin_database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def table(admin_engine: AsyncEngine) -> AsyncIterator[Table]:
    """An outbox table in a schema of its own, dropped afterwards."""
    schema = unique("outbox").replace("-", "_")
    metadata = MetaData(schema=schema)
    table = outbox_table(metadata)
    async with admin_engine.begin() as connection:
        await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await connection.run_sync(metadata.create_all)
    yield table
    async with admin_engine.begin() as connection:
        await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))

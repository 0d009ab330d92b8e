"""The chassis's migration helpers build its tables exactly as they are defined, and the change
helpers do nothing to a table that already has their change."""

import pytest
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.inbox import inbox_table
from chassis.migrations import (
    add_outbox_failure,
    add_retention_indexes,
    create_inbox,
    create_outbox,
    create_timers,
    drop_outbox_failure,
    drop_retention_indexes,
    schema_drift,
)
from chassis.outbox import outbox_table
from chassis.scheduler import timer_table
from chassis.testing import Infrastructure, unique

pytestmark = pytest.mark.integration


async def test_created_tables_match_their_definitions_and_changes_apply_once(
    infrastructure: Infrastructure,
) -> None:
    schema = unique("tables").replace("-", "_")
    metadata = MetaData(schema=schema)
    for define in (outbox_table, inbox_table, timer_table):
        define(metadata)

    def migrate(connection: Connection) -> None:
        op = Operations(MigrationContext.configure(connection))
        create_outbox(op, schema)
        create_inbox(op, schema)
        create_timers(op, schema)
        # A service created with today's tables runs the older change helpers too.
        add_outbox_failure(op, schema)
        add_retention_indexes(op, schema)

    def undo_changes(connection: Connection) -> None:
        op = Operations(MigrationContext.configure(connection))
        drop_retention_indexes(op, schema)
        drop_outbox_failure(op, schema)

    engine = create_async_engine(infrastructure.admin_database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            await connection.run_sync(migrate)
        assert await schema_drift(infrastructure.admin_database_url, metadata) == []
        async with engine.begin() as connection:
            await connection.run_sync(undo_changes)
        drift = await schema_drift(infrastructure.admin_database_url, metadata)
        assert {entry[0] if isinstance(entry, tuple) else entry[0][0] for entry in drift} == {
            "add_column",
            "add_index",
        }
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        await engine.dispose()

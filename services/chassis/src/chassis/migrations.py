"""The body of every service's Alembic env.py (online async migrations inside the service
schema), and the revisions' helpers for the chassis's own tables."""

import asyncio
from typing import Any

from alembic import context
from alembic.autogenerate import compare_metadata
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.audit import access_log_table
from chassis.db import asyncpg_url
from chassis.inbox import inbox_table
from chassis.outbox import outbox_table
from chassis.scheduler import timer_table


def run_migrations(target_metadata: MetaData, schema: str) -> None:
    config = context.config
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url must be set by chassis.db.alembic_config"

    def _run(connection: Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table_schema=schema,
            include_schemas=False,
            include_name=lambda name, kind, _: not (kind == "table" and name == "alembic_version"),
        )
        with context.begin_transaction():
            context.run_migrations()

    async def _main() -> None:
        engine = create_async_engine(url)
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(_main())


# The chassis tables (outbox, inbox, timers) are created and changed only through the helpers
# below, which every service's revisions call in one line, so the DDL lives once, next to the
# table definitions. `create_*` make a table as the chassis defines it now; the change helpers
# bring an older table up to that shape and do nothing where it already has it, so a service
# whose first revision used `create_*` can run them too.


def create_outbox(op: Operations, schema: str) -> None:
    outbox_table(MetaData(schema=schema)).create(op.get_bind())


def create_inbox(op: Operations, schema: str) -> None:
    inbox_table(MetaData(schema=schema)).create(op.get_bind())


def create_access_log(op: Operations, schema: str) -> None:
    access_log_table(MetaData(schema=schema)).create(op.get_bind())


def create_timers(op: Operations, schema: str, name: str = "timers") -> None:
    timer_table(MetaData(schema=schema), name).create(op.get_bind())


def add_outbox_failure(op: Operations, schema: str) -> None:
    """The `failure` column of rows the broker refused (decision 0009)."""
    op.execute(f'ALTER TABLE "{schema}".outbox ADD COLUMN IF NOT EXISTS failure TEXT')


def drop_outbox_failure(op: Operations, schema: str) -> None:
    op.execute(f'ALTER TABLE "{schema}".outbox DROP COLUMN IF EXISTS failure')


def add_retention_indexes(op: Operations, schema: str, timers: str = "timers") -> None:
    """Indexes the retention jobs delete by: sent outbox rows, inbox ids, fired timers."""
    for index, table, column, where in _retention_indexes(timers):
        op.execute(
            f'CREATE INDEX IF NOT EXISTS {index} ON "{schema}".{table} ({column})'
            + (f" WHERE {where}" if where else "")
        )


def drop_retention_indexes(op: Operations, schema: str, timers: str = "timers") -> None:
    for index, *_ in _retention_indexes(timers):
        op.execute(f'DROP INDEX IF EXISTS "{schema}".{index}')


def _retention_indexes(timers: str) -> list[tuple[str, str, str, str | None]]:
    """(index, table, column, partial condition), as the table definitions declare them."""
    return [
        ("ix_outbox_sent", "outbox", "sent_at", "sent_at IS NOT NULL"),
        ("ix_inbox_received_at", "inbox", "received_at", None),
        (f"ix_{timers}_fired", timers, "fired_at", "fired_at IS NOT NULL"),
    ]


async def schema_drift(database_url: str, metadata: MetaData) -> list[Any]:
    """Where the migrated schema of `metadata` differs from its table definitions (Alembic's
    `compare_metadata`); empty when they agree. Connect as a role whose search path does not
    start with that schema (an administrator), so Alembic reflects it by its name."""
    schema = metadata.schema

    def include(name: str | None, kind: str, parent: Any) -> bool:
        if kind == "schema":
            return name == schema
        return not (kind == "table" and name == "alembic_version")

    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"include_schemas": True, "include_name": include, "compare_type": True},
        )
        return list(compare_metadata(context, metadata))

    engine = create_async_engine(asyncpg_url(database_url))
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()

"""The read models as whole schemas, for a rebuild: a fresh schema beside the live one, a
checksum per table, and the swap.

The live schema is `reporting`; a rebuild fills `reporting_rebuild` (the same tables, through
`schema_translate_map`), then, while every counting transaction waits on the swap lock,
renames the live one away and the rebuilt one in, and drops the old one.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy import Column, MetaData, String, Table, Text, cast, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from chassis.db import create_session_factory
from reporting.adapters.facts_repository import SWAP_LOCK
from reporting.adapters.tables import READ_MODELS, SCHEMA, metadata

REBUILD_SCHEMA = f"{SCHEMA}_rebuild"
PREVIOUS_SCHEMA = f"{SCHEMA}_previous"

_alembic = MetaData(schema=SCHEMA)
alembic_version = Table(
    "alembic_version", _alembic, Column("version_num", String(32), primary_key=True)
)


@dataclass(frozen=True)
class Checksum:
    rows: int
    md5: str | None


def _quoted(schema: str) -> str:
    if not schema.replace("_", "").isalnum():
        raise ValueError(f"not a schema name: {schema!r}")
    return f'"{schema}"'


class ReadModelStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def engine_for(self, schema: str) -> AsyncEngine:
        """The engine writing the service's tables into `schema` instead of the live one."""
        return self._engine.execution_options(schema_translate_map={SCHEMA: schema})

    def sessions_for(self, schema: str) -> async_sessionmaker[AsyncSession]:
        return create_session_factory(self.engine_for(schema))

    async def prepare(self, schema: str) -> None:
        """An empty copy of the live schema's tables (and its migration revision) in `schema`;
        a leftover from an interrupted rebuild is dropped first."""
        async with self._engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {_quoted(schema)} CASCADE"))
            await connection.execute(text(f"CREATE SCHEMA {_quoted(schema)}"))
        async with self.engine_for(schema).begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.run_sync(_alembic.create_all)
        async with self._engine.begin() as connection:
            version = (await connection.execute(select(alembic_version.c.version_num))).scalar()
        async with self.engine_for(schema).begin() as connection:
            await connection.execute(alembic_version.insert().values(version_num=version))

    async def drop_indexes(self, schema: str) -> None:
        """Drop the secondary indexes of `schema`'s read models: a replay fills the tables
        faster without keeping them, and one sort a table builds them again."""
        async with self.engine_for(schema).begin() as connection:
            for table in READ_MODELS:
                for index in table.indexes:
                    await connection.run_sync(index.drop)

    async def create_indexes(self, schema: str) -> None:
        async with self.engine_for(schema).begin() as connection:
            for table in READ_MODELS:
                for index in table.indexes:
                    await connection.run_sync(index.create)

    async def drop(self, schema: str) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {_quoted(schema)} CASCADE"))

    @asynccontextmanager
    async def frozen_live(self) -> AsyncIterator[AsyncConnection]:
        """A transaction holding the swap lock alone: no counting transaction commits on the
        live schema until it ends (they wait for it; it waits for those under way)."""
        async with self._engine.begin() as connection:
            await connection.execute(select(func.pg_advisory_xact_lock(SWAP_LOCK)))
            yield connection

    @staticmethod
    async def checksums(connection: AsyncConnection, schema: str) -> dict[str, Checksum]:
        """Per read-model table of `schema`: its row count and an md5 over its rows, in a
        fixed order, so two schemas agree exactly when they hold the same rows."""
        translated = await connection.execution_options(schema_translate_map={SCHEMA: schema})
        result = {}
        for table in READ_MODELS:
            row_text = func.md5(cast(table.table_valued(), Text))
            digest = func.md5(func.string_agg(row_text, aggregate_order_by(text("''"), row_text)))
            rows, md5 = (
                await translated.execute(select(func.count(), digest).select_from(table))
            ).one()
            result[table.name] = Checksum(rows, md5)
        return result

    @staticmethod
    async def swap(connection: AsyncConnection, schema: str) -> None:
        """Within the frozen transaction: the rebuilt schema becomes the live one; the old
        live one is renamed away (drop it after the commit)."""
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {_quoted(PREVIOUS_SCHEMA)} CASCADE"))
        await connection.execute(
            text(f"ALTER SCHEMA {_quoted(SCHEMA)} RENAME TO {_quoted(PREVIOUS_SCHEMA)}")
        )
        await connection.execute(
            text(f"ALTER SCHEMA {_quoted(schema)} RENAME TO {_quoted(SCHEMA)}")
        )

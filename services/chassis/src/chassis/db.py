"""Async engine and sessions, per-service role and schema provisioning, migrations."""

import asyncio
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import ColumnElement, Table, any_, bindparam, text, true
from sqlalchemy.dialects.postgresql import ARRAY, Insert, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from chassis.settings import ServiceSettings


def is_any_of(column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column = ANY(:array)`: one parameter however many values, where `IN` would render (and
    compile) one parameter per value on bulk paths."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def managed_by(column: ColumnElement[Any], managers: Collection[str] | None) -> ColumnElement[bool]:
    """`column` (an account manager) is one of `managers`; always true for None (every
    manager's records). Scoping by owner (decision 0016): every read of customer records takes
    `managers` without a default, so a new query cannot forget it."""
    return true() if managers is None else is_any_of(column, sorted(managers))


# SQLSTATE classes worth a retry as they are: connection, transaction rollback (deadlock,
# serialization), insufficient resources, operator intervention.
TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")


def upsert_statement(table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> Insert:
    """Insert the rows; a row whose keys exist updates the other columns it names."""
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: statement.excluded[column] for column in rows[0] if column not in keys},
    )


def is_transient(error: BaseException) -> bool:
    """A fault of the connection or the server, to retry as it is. Anything else a handler
    raises is about the data of what it handles."""
    if isinstance(error, DBAPIError):
        sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
        return (
            error.connection_invalidated
            or isinstance(error, OperationalError | InterfaceError)
            or sqlstate.startswith(TRANSIENT_SQLSTATE_CLASSES)
        )
    return isinstance(error, OSError | TimeoutError)


def asyncpg_url(url: str) -> str:
    """Accept plain `postgresql://` URLs from the environment and use the asyncpg driver."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def create_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        asyncpg_url(settings.database_url),
        pool_size=settings.db_pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": {"search_path": settings.db_schema, "timezone": "UTC"}},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def provision_service_database(*, admin_url: str, service: str, password: str) -> None:
    """Create the service's role and schema; the role can touch only its own schema.

    Idempotent, run with an administrator's URL before the service's migrations.
    """
    engine = create_async_engine(asyncpg_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            exists = await connection.scalar(
                text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": service}
            )
            quoted_password = password.replace("'", "''")
            verb = "ALTER" if exists else "CREATE"
            await connection.execute(
                text(f"{verb} ROLE \"{service}\" LOGIN PASSWORD '{quoted_password}'")
            )
            await connection.execute(
                text(f'CREATE SCHEMA IF NOT EXISTS "{service}" AUTHORIZATION "{service}"')
            )
            await connection.execute(text(f'ALTER ROLE "{service}" SET search_path = "{service}"'))
            await connection.execute(text(f'REVOKE ALL ON SCHEMA public FROM "{service}"'))
            database = make_url(admin_url).database
            await connection.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{service}"'))
    finally:
        await engine.dispose()


def service_database_url(admin_url: str, service: str, password: str) -> str:
    """The URL the service itself uses: same server and database, its own role."""
    return (
        make_url(asyncpg_url(admin_url))
        .set(username=service, password=password)
        .render_as_string(hide_password=False)
    )


def alembic_config(service_root: Path, database_url: str) -> Config:
    config = Config(str(service_root / "alembic.ini"))
    config.set_main_option("script_location", str(service_root / "migrations"))
    config.set_main_option("sqlalchemy.url", asyncpg_url(database_url).replace("%", "%%"))
    return config


async def migrate(service_root: Path, database_url: str) -> None:
    """Bring the service's schema to the newest revision."""
    config = alembic_config(service_root, database_url)
    await asyncio.to_thread(command.upgrade, config, "head")

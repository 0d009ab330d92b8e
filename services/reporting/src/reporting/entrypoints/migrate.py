"""Migrate the reporting schema. `python -m reporting.entrypoints.migrate [--admin-url URL]`.

With --admin-url (a superuser's URL, e.g. `postgresql://postgres:...@host:port/db`) it
creates (or updates) the `reporting` role with REPORTING_DB_PASSWORD and its schema, then
runs Alembic as that role. Without --admin-url only the migrations run, with
REPORTING_DATABASE_URL.
"""

import argparse
import asyncio
import os
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.db import asyncpg_url, migrate, provision_service_database, service_database_url
from reporting.config import ReportingSettings

SERVICE_ROOT = Path(__file__).resolve().parents[3]


async def allow_schemas(admin_url: str) -> None:
    """A rebuild fills a fresh schema beside the live one and swaps them: the role may
    create schemas in its database (it owns only those it creates)."""
    engine = create_async_engine(asyncpg_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            database = make_url(admin_url).database
            await connection.execute(text(f'GRANT CREATE ON DATABASE "{database}" TO "reporting"'))
    finally:
        await engine.dispose()


async def run(admin_url: str | None) -> str:
    settings = ReportingSettings()
    database_url = settings.database_url
    if admin_url:
        password = os.environ.get("REPORTING_DB_PASSWORD", "reporting")
        await provision_service_database(
            admin_url=admin_url,
            service="reporting",
            password=password,
        )
        await allow_schemas(admin_url)
        database_url = service_database_url(admin_url, "reporting", password)
    await migrate(SERVICE_ROOT, database_url)
    return database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", help="administrator URL used to create role and schema")
    arguments = parser.parse_args()
    url = asyncio.run(run(arguments.admin_url))
    print(f"reporting schema migrated ({url.rsplit('@', 1)[-1]})")


if __name__ == "__main__":
    main()

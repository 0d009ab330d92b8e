"""Migrate the complaints schema. `python -m complaints.entrypoints.migrate [--admin-url URL]`.

With --admin-url (a superuser's URL, e.g. `postgresql://postgres:...@host:port/db`) it
creates (or updates) the `complaints` role with COMPLAINTS_DB_PASSWORD and its schema, then
runs Alembic as that role. Without --admin-url only the migrations run, with
COMPLAINTS_DATABASE_URL.
"""

import argparse
import asyncio
import os
from pathlib import Path

from chassis.db import migrate, provision_service_database, service_database_url
from complaints.config import ComplaintsSettings

SERVICE_ROOT = Path(__file__).resolve().parents[3]


async def run(admin_url: str | None) -> str:
    settings = ComplaintsSettings()
    database_url = settings.database_url
    if admin_url:
        password = os.environ.get("COMPLAINTS_DB_PASSWORD", "complaints")
        await provision_service_database(
            admin_url=admin_url, service="complaints", password=password
        )
        database_url = service_database_url(admin_url, "complaints", password)
    await migrate(SERVICE_ROOT, database_url)
    return database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", help="administrator URL used to create role and schema")
    arguments = parser.parse_args()
    url = asyncio.run(run(arguments.admin_url))
    print(f"complaints schema migrated ({url.rsplit('@', 1)[-1]})")


if __name__ == "__main__":
    main()

"""Provision the accounts role and schema, then apply migrations.

`python -m accounts.entrypoints.migrate --admin-url postgresql://postgres:...@host:port/db`
creates (or updates) the `accounts` role with ACCOUNTS_DB_PASSWORD and its schema, then runs
Alembic as that role. Without --admin-url only the migrations run, with ACCOUNTS_DATABASE_URL.
"""

import argparse
import asyncio
import os
from pathlib import Path

from accounts.config import AccountsSettings
from chassis.db import migrate, provision_service_database, service_database_url

SERVICE_ROOT = Path(__file__).resolve().parents[3]


async def run(admin_url: str | None) -> str:
    settings = AccountsSettings()
    database_url = settings.database_url
    if admin_url:
        password = os.environ.get("ACCOUNTS_DB_PASSWORD", "accounts")
        await provision_service_database(admin_url=admin_url, service="accounts", password=password)
        database_url = service_database_url(admin_url, "accounts", password)
    await migrate(SERVICE_ROOT, database_url)
    return database_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-url", help="administrator URL used to create role and schema")
    arguments = parser.parse_args()
    url = asyncio.run(run(arguments.admin_url))
    print(f"accounts schema migrated ({url.rsplit('@', 1)[-1]})")


if __name__ == "__main__":
    main()

"""Alembic environment of the accounts schema."""

from accounts.adapters.tables import SCHEMA, metadata
from chassis.migrations import run_migrations

run_migrations(metadata, SCHEMA)

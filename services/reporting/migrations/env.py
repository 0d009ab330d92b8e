"""Alembic environment of the reporting schema."""

from chassis.migrations import run_migrations
from reporting.adapters.tables import SCHEMA, metadata

run_migrations(metadata, SCHEMA)

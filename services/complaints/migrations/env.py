"""Alembic environment of the complaints schema."""

from chassis.migrations import run_migrations
from complaints.adapters.tables import SCHEMA, metadata

run_migrations(metadata, SCHEMA)

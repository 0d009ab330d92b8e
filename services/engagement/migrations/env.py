"""Alembic environment of the engagement schema."""

from chassis.migrations import run_migrations
from engagement.adapters.tables import SCHEMA, metadata

run_migrations(metadata, SCHEMA)

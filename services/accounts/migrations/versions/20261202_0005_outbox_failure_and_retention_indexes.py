"""Outbox rows set aside (failure) and the retention jobs' indexes, through the chassis helpers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 18:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from chassis.migrations import (
    add_outbox_failure,
    add_retention_indexes,
    drop_outbox_failure,
    drop_retention_indexes,
)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    add_outbox_failure(op, SCHEMA)
    add_retention_indexes(op, SCHEMA)


def downgrade() -> None:
    drop_retention_indexes(op, SCHEMA)
    drop_outbox_failure(op, SCHEMA)

"""Staged outbox events (publish_at, staged_by) and staged timers (staged_at)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "complaints"


def upgrade() -> None:
    op.add_column(
        "outbox",
        sa.Column(
            "publish_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("'-infinity'"),
            nullable=False,
        ),
        schema=SCHEMA,
    )
    op.add_column("outbox", sa.Column("staged_by", sa.String(200)), schema=SCHEMA)
    op.drop_index("ix_outbox_unsent", table_name="outbox", schema=SCHEMA)
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["publish_at", "id"],
        schema=SCHEMA,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_index(
        "ix_outbox_staged",
        "outbox",
        ["staged_by"],
        schema=SCHEMA,
        postgresql_where=sa.text("sent_at IS NULL AND staged_by IS NOT NULL"),
    )
    op.add_column("timers", sa.Column("staged_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.drop_index("ix_timers_pending_due", table_name="timers", schema=SCHEMA)
    op.create_index(
        "ix_timers_unstaged_due",
        "timers",
        ["due_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("fired_at IS NULL AND staged_at IS NULL"),
    )
    op.create_index(
        "ix_timers_staged_due",
        "timers",
        ["due_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("fired_at IS NULL AND staged_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_timers_staged_due", table_name="timers", schema=SCHEMA)
    op.drop_index("ix_timers_unstaged_due", table_name="timers", schema=SCHEMA)
    op.create_index(
        "ix_timers_pending_due",
        "timers",
        ["due_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_column("timers", "staged_at", schema=SCHEMA)
    op.drop_index("ix_outbox_staged", table_name="outbox", schema=SCHEMA)
    op.drop_index("ix_outbox_unsent", table_name="outbox", schema=SCHEMA)
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["id"],
        schema=SCHEMA,
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_column("outbox", "staged_by", schema=SCHEMA)
    op.drop_column("outbox", "publish_at", schema=SCHEMA)

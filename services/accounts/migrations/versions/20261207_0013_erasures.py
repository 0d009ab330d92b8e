"""Erasures of contacts' personal data and each service's state in them

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("erasure_id", sa.String(length=32), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("contact_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("why", sa.Text(), server_default="", nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], [f"{SCHEMA}.accounts.account_id"]),
        sa.PrimaryKeyConstraint("erasure_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_erasures_requested", "erasures", ["requested_at"], schema=SCHEMA)
    op.create_index(
        "ix_erasures_account", "erasures", ["account_id", "requested_at"], schema=SCHEMA
    )
    op.create_table(
        "erasure_services",
        sa.Column("erasure_id", sa.String(length=32), nullable=False),
        sa.Column("service", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["erasure_id"], [f"{SCHEMA}.erasures.erasure_id"]),
        sa.PrimaryKeyConstraint("erasure_id", "service"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("erasure_services", schema=SCHEMA)
    op.drop_index("ix_erasures_account", "erasures", schema=SCHEMA)
    op.drop_index("ix_erasures_requested", "erasures", schema=SCHEMA)
    op.drop_table("erasures", schema=SCHEMA)

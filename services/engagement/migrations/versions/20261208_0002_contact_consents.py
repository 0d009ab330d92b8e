"""Each card contact's consent to marketing contact in force, from accounts' consent events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-08 00:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contact_consents",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_reference", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "contact_reference"),
        schema="engagement",
    )


def downgrade() -> None:
    op.drop_table("contact_consents", schema="engagement")

"""Last and next contact from engagement's plan: the items that can still be open, and each
account's last and next contact

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.create_table(
        "plan_items",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("item_id"),
        schema=SCHEMA,
    )
    op.create_index("ix_plan_items_account", "plan_items", ["account_id", "due_on"], schema=SCHEMA)
    op.create_table(
        "account_contacts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("last_contact_on", sa.Date(), nullable=True),
        sa.Column("last_contact_channel", sa.String(length=20), nullable=True),
        sa.Column("next_contact_due", sa.Date(), nullable=True),
        sa.Column("next_contact_kind", sa.String(length=20), nullable=True),
        sa.Column("next_contact_origin", sa.String(length=30), nullable=True),
        sa.PrimaryKeyConstraint("account_id"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("account_contacts", schema=SCHEMA)
    op.drop_index("ix_plan_items_account", table_name="plan_items", schema=SCHEMA)
    op.drop_table("plan_items", schema=SCHEMA)

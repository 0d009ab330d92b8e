"""accounts orders returns tier decisions inbox outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-24 01:57:40.189821
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("segment", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("account_manager", sa.String(length=64), nullable=True),
        sa.Column("erp_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "registered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("order_count_12m", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "net_revenue_12m", sa.Numeric(precision=18, scale=2), server_default="0", nullable=False
        ),
        sa.Column("value_class", sa.String(length=10), server_default="low", nullable=False),
        sa.Column("frequency_class", sa.String(length=10), server_default="low", nullable=False),
        sa.Column("classified_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("account_id"),
        schema="accounts",
    )
    op.create_index("ix_accounts_region", "accounts", ["region"], unique=False, schema="accounts")
    op.create_index(
        "ix_accounts_value_class", "accounts", ["value_class"], unique=False, schema="accounts"
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("consumer", "event_id"),
        schema="accounts",
    )
    op.create_table(
        "order_returns",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("order_id", "returned_at"),
        schema="accounts",
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("placed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
        schema="accounts",
    )
    op.create_index(
        "ix_orders_customer_placed",
        "orders",
        ["customer_id", "placed_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        schema="accounts",
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["id"],
        unique=False,
        schema="accounts",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "tier_decisions",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("value_class", sa.String(length=10), nullable=False),
        sa.Column("frequency_class", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("inputs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ix_tier_decisions_account",
        "tier_decisions",
        ["account_id", "decided_at"],
        unique=False,
        schema="accounts",
    )


def downgrade() -> None:
    op.drop_index("ix_tier_decisions_account", table_name="tier_decisions", schema="accounts")
    op.drop_table("tier_decisions", schema="accounts")
    op.drop_index(
        "ix_outbox_unsent",
        table_name="outbox",
        schema="accounts",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox", schema="accounts")
    op.drop_index("ix_orders_customer_placed", table_name="orders", schema="accounts")
    op.drop_table("orders", schema="accounts")
    op.drop_table("order_returns", schema="accounts")
    op.drop_table("inbox", schema="accounts")
    op.drop_index("ix_accounts_value_class", table_name="accounts", schema="accounts")
    op.drop_index("ix_accounts_region", table_name="accounts", schema="accounts")
    op.drop_table("accounts", schema="accounts")

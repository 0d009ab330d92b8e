"""The engagement schema: the accounts' read model, plan items, visits, feedback, targets,
orders, cadence policies, the calendar and teams; the chassis's outbox, inbox and timers.

Revision ID: 0001
Revises:
Create Date: 2026-12-02 23:16:02.991981
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from chassis.migrations import create_inbox, create_outbox, create_timers

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SCHEMA = "engagement"


def upgrade() -> None:
    # The chassis defines its tables; a service creates them, never copies their columns.
    create_outbox(op, SCHEMA)
    create_inbox(op, SCHEMA)
    create_timers(op, SCHEMA)
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=True),
        sa.Column("registered", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=True),
        sa.Column("value_class", sa.String(length=10), nullable=True),
        sa.Column("abc_class", sa.String(length=1), nullable=True),
        sa.Column("vip", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("lifecycle", sa.String(length=20), nullable=True),
        sa.Column("first_order_on", sa.Date(), nullable=True),
        sa.Column("last_done_on", sa.Date(), nullable=True),
        sa.Column("plan_policy_version", sa.Integer(), nullable=True),
        sa.Column("reschedule_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("account_id"),
        schema="engagement",
    )
    op.create_index(
        "ix_accounts_manager", "accounts", ["manager"], unique=False, schema="engagement"
    )
    op.create_index(
        "ix_accounts_plan_policy_version",
        "accounts",
        ["plan_policy_version"],
        unique=False,
        schema="engagement",
    )
    op.create_table(
        "cadence_policies",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("version"),
        schema="engagement",
    )
    op.create_table(
        "calendar_days",
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=100), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("on"),
        schema="engagement",
    )
    op.create_table(
        "feedback",
        sa.Column("feedback_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=True),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.Column("csat", sa.SmallInteger(), nullable=True),
        sa.Column("nps", sa.SmallInteger(), nullable=True),
        sa.Column("visit_id", sa.String(length=64), nullable=True),
        sa.Column("ticket_id", sa.String(length=64), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feedback_id"),
        schema="engagement",
    )
    op.create_index(
        op.f("ix_engagement_feedback_account_id"),
        "feedback",
        ["account_id"],
        unique=False,
        schema="engagement",
    )
    op.create_table(
        "key_dates",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("month", sa.SmallInteger(), nullable=False),
        sa.Column("day", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "reference", "kind"),
        schema="engagement",
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("order_id"),
        schema="engagement",
    )
    op.create_index(
        "ix_orders_account_placed",
        "orders",
        ["account_id", "placed_on"],
        unique=False,
        schema="engagement",
    )
    op.create_table(
        "plan_items",
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=30), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("reschedule_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("visit_id", sa.String(length=64), nullable=True),
        sa.Column("replaced_by", sa.String(length=64), nullable=True),
        sa.Column("cancelled_by", sa.String(length=10), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("item_id"),
        schema="engagement",
    )
    op.create_index(
        "ix_plan_items_account",
        "plan_items",
        ["account_id", "due_on"],
        unique=False,
        schema="engagement",
    )
    op.create_index(
        "ix_plan_items_owner_due",
        "plan_items",
        ["owner", "due_on"],
        unique=False,
        schema="engagement",
    )
    op.create_index(
        "uq_plan_items_trigger",
        "plan_items",
        ["account_id", "origin", "trigger"],
        unique=True,
        schema="engagement",
        postgresql_where=sa.text("trigger IS NOT NULL"),
    )
    op.create_table(
        "reschedules",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("previous_due_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("requested_by", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema="engagement",
    )
    op.create_index(
        op.f("ix_engagement_reschedules_item_id"),
        "reschedules",
        ["item_id"],
        unique=False,
        schema="engagement",
    )
    op.create_table(
        "returns",
        sa.Column("event_id", sa.String(length=200), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
        schema="engagement",
    )
    op.create_index(
        "ix_returns_account",
        "returns",
        ["account_id", "returned_on"],
        unique=False,
        schema="engagement",
    )
    op.create_table(
        "targets",
        sa.Column("manager", sa.String(length=64), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("set_by", sa.String(length=64), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("manager", "month"),
        schema="engagement",
    )
    op.create_table(
        "team_members",
        sa.Column("team", sa.String(length=64), nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=False),
        sa.Column("supervisor", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("team", "manager"),
        schema="engagement",
    )
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("manager", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("contact_ref", sa.String(length=64), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("next_step", sa.Text(), server_default="", nullable=False),
        sa.Column("next_step_item_id", sa.String(length=64), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("visit_id"),
        schema="engagement",
    )
    op.create_index(
        "ix_visits_account",
        "visits",
        ["account_id", "occurred_on"],
        unique=False,
        schema="engagement",
    )
    op.create_index(
        "ix_visits_manager", "visits", ["manager", "occurred_on"], unique=False, schema="engagement"
    )


def downgrade() -> None:
    for table in ("timers", "inbox", "outbox"):
        op.drop_table(table, schema=SCHEMA)
    op.drop_index("ix_visits_manager", table_name="visits", schema="engagement")
    op.drop_index("ix_visits_account", table_name="visits", schema="engagement")
    op.drop_table("visits", schema="engagement")
    op.drop_table("team_members", schema="engagement")
    op.drop_table("targets", schema="engagement")
    op.drop_index("ix_returns_account", table_name="returns", schema="engagement")
    op.drop_table("returns", schema="engagement")
    op.drop_index(
        op.f("ix_engagement_reschedules_item_id"), table_name="reschedules", schema="engagement"
    )
    op.drop_table("reschedules", schema="engagement")
    op.drop_index(
        "uq_plan_items_trigger",
        table_name="plan_items",
        schema="engagement",
        postgresql_where=sa.text("trigger IS NOT NULL"),
    )
    op.drop_index("ix_plan_items_owner_due", table_name="plan_items", schema="engagement")
    op.drop_index("ix_plan_items_account", table_name="plan_items", schema="engagement")
    op.drop_table("plan_items", schema="engagement")
    op.drop_index("ix_orders_account_placed", table_name="orders", schema="engagement")
    op.drop_table("orders", schema="engagement")
    op.drop_table("key_dates", schema="engagement")
    op.drop_index(
        op.f("ix_engagement_feedback_account_id"), table_name="feedback", schema="engagement"
    )
    op.drop_table("feedback", schema="engagement")
    op.drop_table("calendar_days", schema="engagement")
    op.drop_table("cadence_policies", schema="engagement")
    op.drop_index("ix_accounts_plan_policy_version", table_name="accounts", schema="engagement")
    op.drop_index("ix_accounts_manager", table_name="accounts", schema="engagement")
    op.drop_table("accounts", schema="engagement")

"""Relationship cards, tiering (ABC, scorecard, policies), lifecycle, VIP, signals, reports, timers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 02:11:27.732701
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "complaints",
        sa.Column("ticket_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.Integer(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ticket_id"),
        schema="accounts",
    )
    op.create_index(
        "ix_complaints_account",
        "complaints",
        ["account_id", "filed_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "evaluation_reports",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("account_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", name="uq_evaluation_reports_period"),
        schema="accounts",
    )
    op.create_table(
        "feedback",
        sa.Column("feedback_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("nps", sa.Integer(), nullable=True),
        sa.Column("context", sa.String(length=50), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feedback_id"),
        schema="accounts",
    )
    op.create_index(
        "ix_feedback_account",
        "feedback",
        ["account_id", "responded_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "personal_data_access",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("what", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ix_personal_data_access_account",
        "personal_data_access",
        ["account_id", "at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "signal_feeds",
        sa.Column("feed", sa.String(length=50), nullable=False),
        sa.Column("first_event_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("feed"),
        schema="accounts",
    )
    op.create_table(
        "tier_policies",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("activated_by", sa.String(length=64), nullable=True),
        sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("version"),
        schema="accounts",
    )
    op.create_index(
        "ux_tier_policies_active",
        "tier_policies",
        ["status"],
        unique=True,
        schema="accounts",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "timers",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=100), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "payload",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ix_timers_pending_due",
        "timers",
        ["due_at"],
        unique=False,
        schema="accounts",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.create_index(
        "ix_timers_pending_key",
        "timers",
        ["key"],
        unique=False,
        schema="accounts",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.create_table(
        "card_reviews",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("reviewed_by", sa.String(length=64), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ix_card_reviews_account",
        "card_reviews",
        ["account_id", "reviewed_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "card_versions",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("account_id", "version"),
        schema="accounts",
    )
    op.create_index(
        "ix_card_versions_account_time",
        "card_versions",
        ["account_id", "changed_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "cards",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("account_id"),
        schema="accounts",
    )
    op.create_table(
        "evaluation_report_lines",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("account_manager", sa.String(length=64), nullable=True),
        sa.Column("order_count_period", sa.Integer(), nullable=False),
        sa.Column("net_revenue_period", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("order_count_12m", sa.Integer(), nullable=False),
        sa.Column("net_revenue_12m", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("value_class", sa.String(length=10), nullable=False),
        sa.Column("frequency_class", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("grade", sa.String(length=1), nullable=False),
        sa.Column("recommendation", sa.String(length=10), nullable=False),
        sa.Column("lifecycle_stage", sa.String(length=10), nullable=False),
        sa.Column("indicators", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["accounts.evaluation_reports.id"],
        ),
        sa.PrimaryKeyConstraint("report_id", "account_id"),
        schema="accounts",
    )
    op.create_table(
        "lifecycle_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_stage", sa.String(length=10), nullable=True),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("reactivated", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ix_lifecycle_changes_account",
        "lifecycle_changes",
        ["account_id", "changed_at"],
        unique=False,
        schema="accounts",
    )
    op.create_table(
        "vip_nominations",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("nominated_by", sa.String(length=64), nullable=False),
        sa.Column("nominated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("revoked_by", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.accounts.account_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="accounts",
    )
    op.create_index(
        "ux_vip_nominations_pending",
        "vip_nominations",
        ["account_id"],
        unique=True,
        schema="accounts",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.add_column(
        "accounts",
        sa.Column("origin", sa.String(length=10), server_default="erp", nullable=False),
        schema="accounts",
    )
    op.add_column(
        "accounts", sa.Column("created_by", sa.String(length=64), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts", sa.Column("referred_by", sa.String(length=64), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts",
        sa.Column("priority_lead", sa.Boolean(), server_default="false", nullable=False),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("vip", sa.Boolean(), server_default="false", nullable=False),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("vip_since", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts", sa.Column("abc_class", sa.String(length=1), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts", sa.Column("grade", sa.String(length=1), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts",
        sa.Column("score", sa.Numeric(precision=4, scale=1), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("recommendation", sa.String(length=10), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts", sa.Column("policy_version", sa.Integer(), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts",
        sa.Column("scorecard", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column(
            "lifecycle_stage", sa.String(length=10), server_default="prospect", nullable=False
        ),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("lifecycle_changed_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts", sa.Column("lifecycle_reason", sa.Text(), nullable=True), schema="accounts"
    )
    op.add_column(
        "accounts",
        sa.Column("first_order_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("last_order_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("card_reviewed_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("card_stale", sa.Boolean(), server_default="false", nullable=False),
        schema="accounts",
    )
    op.add_column(
        "accounts",
        sa.Column("next_evaluation_at", sa.DateTime(timezone=True), nullable=True),
        schema="accounts",
    )
    op.create_index(
        "ix_accounts_referred_by", "accounts", ["referred_by"], unique=False, schema="accounts"
    )
    op.create_index(
        "ix_accounts_revenue", "accounts", ["net_revenue_12m"], unique=False, schema="accounts"
    )
    op.create_foreign_key(
        "accounts_referred_by_fkey",
        "accounts",
        "accounts",
        ["referred_by"],
        ["account_id"],
        source_schema="accounts",
        referent_schema="accounts",
    )
    op.add_column(
        "tier_decisions",
        sa.Column("abc_class", sa.String(length=1), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "tier_decisions", sa.Column("grade", sa.String(length=1), nullable=True), schema="accounts"
    )
    op.add_column(
        "tier_decisions",
        sa.Column("score", sa.Numeric(precision=4, scale=1), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "tier_decisions",
        sa.Column("recommendation", sa.String(length=10), nullable=True),
        schema="accounts",
    )
    op.add_column(
        "tier_decisions",
        sa.Column("policy_version", sa.Integer(), nullable=True),
        schema="accounts",
    )
    # Accounts that exist already get their grade, ABC class, lifecycle stage and timers from
    # one evaluation of every account when a worker next starts.
    op.execute(
        "INSERT INTO accounts.timers (key, kind, due_at) VALUES ('all', 'evaluate_all', now())"
    )


def downgrade() -> None:
    op.drop_column("tier_decisions", "policy_version", schema="accounts")
    op.drop_column("tier_decisions", "recommendation", schema="accounts")
    op.drop_column("tier_decisions", "score", schema="accounts")
    op.drop_column("tier_decisions", "grade", schema="accounts")
    op.drop_column("tier_decisions", "abc_class", schema="accounts")
    op.drop_constraint(
        "accounts_referred_by_fkey", "accounts", schema="accounts", type_="foreignkey"
    )
    op.drop_index("ix_accounts_revenue", table_name="accounts", schema="accounts")
    op.drop_index("ix_accounts_referred_by", table_name="accounts", schema="accounts")
    op.drop_column("accounts", "next_evaluation_at", schema="accounts")
    op.drop_column("accounts", "card_stale", schema="accounts")
    op.drop_column("accounts", "card_reviewed_at", schema="accounts")
    op.drop_column("accounts", "last_order_at", schema="accounts")
    op.drop_column("accounts", "first_order_at", schema="accounts")
    op.drop_column("accounts", "lifecycle_reason", schema="accounts")
    op.drop_column("accounts", "lifecycle_changed_at", schema="accounts")
    op.drop_column("accounts", "lifecycle_stage", schema="accounts")
    op.drop_column("accounts", "scorecard", schema="accounts")
    op.drop_column("accounts", "policy_version", schema="accounts")
    op.drop_column("accounts", "recommendation", schema="accounts")
    op.drop_column("accounts", "score", schema="accounts")
    op.drop_column("accounts", "grade", schema="accounts")
    op.drop_column("accounts", "abc_class", schema="accounts")
    op.drop_column("accounts", "vip_since", schema="accounts")
    op.drop_column("accounts", "vip", schema="accounts")
    op.drop_column("accounts", "priority_lead", schema="accounts")
    op.drop_column("accounts", "referred_by", schema="accounts")
    op.drop_column("accounts", "created_by", schema="accounts")
    op.drop_column("accounts", "origin", schema="accounts")
    op.drop_index(
        "ux_vip_nominations_pending",
        table_name="vip_nominations",
        schema="accounts",
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.drop_table("vip_nominations", schema="accounts")
    op.drop_index("ix_lifecycle_changes_account", table_name="lifecycle_changes", schema="accounts")
    op.drop_table("lifecycle_changes", schema="accounts")
    op.drop_table("evaluation_report_lines", schema="accounts")
    op.drop_table("cards", schema="accounts")
    op.drop_index("ix_card_versions_account_time", table_name="card_versions", schema="accounts")
    op.drop_table("card_versions", schema="accounts")
    op.drop_index("ix_card_reviews_account", table_name="card_reviews", schema="accounts")
    op.drop_table("card_reviews", schema="accounts")
    op.drop_index(
        "ix_timers_pending_key",
        table_name="timers",
        schema="accounts",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_index(
        "ix_timers_pending_due",
        table_name="timers",
        schema="accounts",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_table("timers", schema="accounts")
    op.drop_index(
        "ux_tier_policies_active",
        table_name="tier_policies",
        schema="accounts",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_table("tier_policies", schema="accounts")
    op.drop_table("signal_feeds", schema="accounts")
    op.drop_index(
        "ix_personal_data_access_account", table_name="personal_data_access", schema="accounts"
    )
    op.drop_table("personal_data_access", schema="accounts")
    op.drop_index("ix_feedback_account", table_name="feedback", schema="accounts")
    op.drop_table("feedback", schema="accounts")
    op.drop_table("evaluation_reports", schema="accounts")
    op.drop_index("ix_complaints_account", table_name="complaints", schema="accounts")
    op.drop_table("complaints", schema="accounts")

"""complaints tickets clocks calendars policies timers inbox outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-24 02:11:46.016559
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Seed data, frozen here as it was when this revision was written: the handbook's SLA targets
# (DOMAIN.md §3) as policy version 1, and a working-hours calendar the policy counts on.
DEFAULT_CALENDAR_WEEK = {
    "monday": ["09:00-12:00", "13:00-18:00"],
    "tuesday": ["09:00-12:00", "13:00-18:00"],
    "wednesday": ["09:00-12:00", "13:00-18:00"],
    "thursday": ["09:00-12:00", "13:00-18:00"],
    "friday": ["09:00-12:00", "13:00-18:00"],
    "saturday": [],
    "sunday": [],
}
DEFAULT_POLICY = {
    "note": "handbook targets",
    "warning_thresholds": [75, 90],
    "rules": [
        {
            "name": "every ticket",
            "severity": None,
            "category": None,
            "tier": None,
            "vip": None,
            "targets": {
                "respond": {
                    "amount": 15,
                    "unit": "minutes",
                    "calendar": "default",
                    "pausable": False,
                },
                "confirm": {"amount": 1, "unit": "hours", "calendar": "default", "pausable": False},
                "resolve": {"amount": 24, "unit": "hours", "calendar": "default", "pausable": True},
                "feedback": {
                    "amount": 48,
                    "unit": "hours",
                    "calendar": "default",
                    "pausable": True,
                },
            },
        },
        {
            "name": "returns",
            "severity": None,
            "category": "returns",
            "tier": None,
            "vip": None,
            "targets": {
                "return_review": {
                    "amount": 24,
                    "unit": "hours",
                    "calendar": "default",
                    "pausable": False,
                },
                "replacement": {
                    "amount": 15,
                    "unit": "working_days",
                    "calendar": "default",
                    "pausable": False,
                },
                "refund": {"amount": 7, "unit": "days", "calendar": None, "pausable": False},
            },
        },
        {
            "name": "major: severity 1 on wall time",
            "severity": 1,
            "category": None,
            "tier": None,
            "vip": None,
            "targets": {
                "respond": {"amount": 15, "unit": "minutes", "calendar": None, "pausable": False},
                "confirm": {"amount": 1, "unit": "hours", "calendar": None, "pausable": False},
                "resolve": {"amount": 48, "unit": "hours", "calendar": None, "pausable": True},
            },
        },
        {
            "name": "high-value accounts",
            "severity": None,
            "category": None,
            "tier": "high",
            "vip": None,
            "targets": {
                "respond": {
                    "amount": 10,
                    "unit": "minutes",
                    "calendar": "default",
                    "pausable": False,
                }
            },
        },
        {
            "name": "VIP priority",
            "severity": None,
            "category": None,
            "tier": None,
            "vip": True,
            "targets": {
                "respond": {"amount": 5, "unit": "minutes", "calendar": None, "pausable": False},
                "confirm": {"amount": 30, "unit": "minutes", "calendar": None, "pausable": False},
                "feedback": {
                    "amount": 24,
                    "unit": "hours",
                    "calendar": "default",
                    "pausable": True,
                },
            },
        },
        {
            "name": "VIP ordinary resolve",
            "severity": 2,
            "category": None,
            "tier": None,
            "vip": True,
            "targets": {
                "resolve": {"amount": 12, "unit": "hours", "calendar": "default", "pausable": True}
            },
        },
        {
            "name": "VIP minor resolve",
            "severity": 3,
            "category": None,
            "tier": None,
            "vip": True,
            "targets": {
                "resolve": {"amount": 12, "unit": "hours", "calendar": "default", "pausable": True}
            },
        },
        {
            "name": "VIP major resolve",
            "severity": 1,
            "category": None,
            "tier": None,
            "vip": True,
            "targets": {
                "resolve": {"amount": 24, "unit": "hours", "calendar": None, "pausable": True}
            },
        },
    ],
}
STANDARD_ANSWERS = [
    (
        "delivery",
        "Late delivery",
        "We are sorry your goods arrived late. We have checked the shipment with the carrier "
        "and will confirm the new delivery time within the day.",
    ),
    (
        "product_quality",
        "Damaged goods",
        "We are sorry the goods arrived damaged. Please send photos of the goods and packaging; "
        "we will arrange a replacement or a refund, as you prefer.",
    ),
    (
        "billing",
        "Invoice differs from the order",
        "Thank you for telling us. Finance is checking the invoice against the order and will "
        "send a corrected invoice if it is wrong.",
    ),
]


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("registered", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=True),
        sa.Column("frequency_class", sa.String(length=10), nullable=True),
        sa.Column("vip", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("account_id"),
        schema="complaints",
    )
    op.create_table(
        "calendars",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("week", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("holidays", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
        schema="complaints",
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
        schema="complaints",
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
        schema="complaints",
    )
    op.create_index(
        "ix_outbox_unsent",
        "outbox",
        ["id"],
        unique=False,
        schema="complaints",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.create_table(
        "sla_policies",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("version"),
        schema="complaints",
    )
    op.create_index(
        "uq_sla_policies_one_active",
        "sla_policies",
        ["active"],
        unique=True,
        schema="complaints",
        postgresql_where=sa.text("active"),
    )
    op.create_table(
        "standard_answers",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="complaints",
    )
    op.create_index(
        "ix_standard_answers_category",
        "standard_answers",
        ["category"],
        unique=False,
        schema="complaints",
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("severity", sa.SmallInteger(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("order_refs", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=10), nullable=True),
        sa.Column("vip", sa.Boolean(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=20), nullable=True),
        sa.Column("handler", sa.String(length=64), nullable=True),
        sa.Column("remedy", sa.String(length=20), nullable=True),
        sa.Column("solution", sa.Text(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=True),
        sa.Column("satisfaction", sa.SmallInteger(), nullable=True),
        sa.Column("escalation_level", sa.SmallInteger(), server_default="0", nullable=False),
        sa.Column("ops_escalation_due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("repeat_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cause_repeat_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("milestones", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("next_deadline_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        schema="complaints",
    )
    op.create_index(
        "ix_tickets_account_opened",
        "tickets",
        ["account_id", "opened_at"],
        unique=False,
        schema="complaints",
    )
    op.create_index(
        "ix_tickets_open_next_deadline",
        "tickets",
        ["next_deadline_at"],
        unique=False,
        schema="complaints",
        postgresql_where=sa.text("status <> 'closed'"),
    )
    op.create_index("ix_tickets_status", "tickets", ["status"], unique=False, schema="complaints")
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
        schema="complaints",
    )
    op.create_index(
        "ix_timers_pending_due",
        "timers",
        ["due_at"],
        unique=False,
        schema="complaints",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.create_index(
        "ix_timers_pending_key",
        "timers",
        ["key"],
        unique=False,
        schema="complaints",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.create_table(
        "ticket_clocks",
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("clock", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("calendar", sa.String(length=64), nullable=True),
        sa.Column("pausable", sa.Boolean(), nullable=False),
        sa.Column("thresholds", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("budget", sa.Interval(), nullable=True),
        sa.Column("consumed", sa.Interval(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("segment_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pause_reason", sa.Text(), nullable=True),
        sa.Column("paused_total", sa.Interval(), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warnings_fired", sa.SmallInteger(), nullable=False),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["complaints.tickets.id"],
        ),
        sa.PrimaryKeyConstraint("ticket_id", "clock"),
        schema="complaints",
    )
    op.create_index(
        "ix_ticket_clocks_running_calendar",
        "ticket_clocks",
        ["calendar"],
        unique=False,
        schema="complaints",
        postgresql_where=sa.text("state IN ('running', 'paused')"),
    )
    op.create_table(
        "ticket_history",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("ticket_id", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["complaints.tickets.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        schema="complaints",
    )
    op.create_index(
        "ix_ticket_history_ticket",
        "ticket_history",
        ["ticket_id", "id"],
        unique=False,
        schema="complaints",
    )
    op.bulk_insert(
        sa.table(
            "calendars",
            sa.column("name"),
            sa.column("version"),
            sa.column("time_zone"),
            sa.column("week", postgresql.JSONB),
            sa.column("holidays", postgresql.JSONB),
            sa.column("updated_by"),
            schema="complaints",
        ),
        [
            {
                "name": "default",
                "version": 1,
                "time_zone": "Asia/Shanghai",
                "week": DEFAULT_CALENDAR_WEEK,
                "holidays": [],
                "updated_by": "migration",
            }
        ],
    )
    op.bulk_insert(
        sa.table(
            "sla_policies",
            sa.column("version"),
            sa.column("document", postgresql.JSONB),
            sa.column("active"),
            sa.column("created_by"),
            schema="complaints",
        ),
        [{"version": 1, "document": DEFAULT_POLICY, "active": True, "created_by": "migration"}],
    )
    op.bulk_insert(
        sa.table(
            "standard_answers",
            sa.column("category"),
            sa.column("title"),
            sa.column("body"),
            schema="complaints",
        ),
        [{"category": c, "title": t, "body": b} for c, t, b in STANDARD_ANSWERS],
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_history_ticket", table_name="ticket_history", schema="complaints")
    op.drop_table("ticket_history", schema="complaints")
    op.drop_index(
        "ix_ticket_clocks_running_calendar",
        table_name="ticket_clocks",
        schema="complaints",
        postgresql_where=sa.text("state IN ('running', 'paused')"),
    )
    op.drop_table("ticket_clocks", schema="complaints")
    op.drop_index(
        "ix_timers_pending_key",
        table_name="timers",
        schema="complaints",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_index(
        "ix_timers_pending_due",
        table_name="timers",
        schema="complaints",
        postgresql_where=sa.text("fired_at IS NULL"),
    )
    op.drop_table("timers", schema="complaints")
    op.drop_index("ix_tickets_status", table_name="tickets", schema="complaints")
    op.drop_index(
        "ix_tickets_open_next_deadline",
        table_name="tickets",
        schema="complaints",
        postgresql_where=sa.text("status <> 'closed'"),
    )
    op.drop_index("ix_tickets_account_opened", table_name="tickets", schema="complaints")
    op.drop_table("tickets", schema="complaints")
    op.drop_index(
        "ix_standard_answers_category", table_name="standard_answers", schema="complaints"
    )
    op.drop_table("standard_answers", schema="complaints")
    op.drop_index(
        "uq_sla_policies_one_active",
        table_name="sla_policies",
        schema="complaints",
        postgresql_where=sa.text("active"),
    )
    op.drop_table("sla_policies", schema="complaints")
    op.drop_index(
        "ix_outbox_unsent",
        table_name="outbox",
        schema="complaints",
        postgresql_where=sa.text("sent_at IS NULL"),
    )
    op.drop_table("outbox", schema="complaints")
    op.drop_table("inbox", schema="complaints")
    op.drop_table("calendars", schema="complaints")
    op.drop_table("accounts", schema="complaints")

"""The read models: events, account facts, orders, tickets, plan, visits, feedback, targets

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "reporting"


def _times() -> list[sa.Column[object]]:
    return [
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(200), nullable=False),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_events_account", "events", ["account_id", "occurred_at"], schema=SCHEMA)
    op.create_table(
        "account_facts",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("attribute", sa.String(40), primary_key=True),
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("value", sa.String(300)),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_account_facts_lookup",
        "account_facts",
        ["attribute", "account_id", "occurred_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", sa.Numeric(18, 2), nullable=False),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_orders_account", "orders", ["account_id", "occurred_at"], schema=SCHEMA)
    op.create_index("ix_orders_occurred", "orders", ["occurred_at"], schema=SCHEMA)
    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.String(64), primary_key=True),
        sa.Column("line", sa.Integer, primary_key=True),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("amount", sa.Numeric(20, 2), nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "order_changes",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("order_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2)),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_order_changes_order", "order_changes", ["order_id"], schema=SCHEMA)
    op.create_table(
        "ticket_facts",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("clock", sa.String(40)),
        sa.Column("severity", sa.SmallInteger),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_ticket_facts_kind", "ticket_facts", ["kind", "occurred_at"], schema=SCHEMA)
    op.create_table(
        "plan_facts",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(64)),
        sa.Column("kind", sa.String(20)),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("on_time", sa.Boolean),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_plan_facts_item", "plan_facts", ["item_id", "occurred_at"], schema=SCHEMA)
    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("manager", sa.String(64), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_visits_manager", "visits", ["manager", "occurred_on"], schema=SCHEMA)
    op.create_table(
        "feedback",
        sa.Column("feedback_id", sa.String(64), primary_key=True),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("account_id", sa.String(64), nullable=False),
        sa.Column("manager", sa.String(64)),
        sa.Column("csat", sa.SmallInteger),
        sa.Column("nps", sa.SmallInteger),
        sa.Column("context", sa.String(50), nullable=False),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_feedback_occurred", "feedback", ["occurred_at"], schema=SCHEMA)
    op.create_table(
        "targets",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("manager", sa.String(64), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        *_times(),
        schema=SCHEMA,
    )
    op.create_index("ix_targets_manager", "targets", ["manager", "month"], schema=SCHEMA)


def downgrade() -> None:
    for table in (
        "targets",
        "feedback",
        "visits",
        "plan_facts",
        "ticket_facts",
        "order_changes",
        "order_lines",
        "orders",
        "account_facts",
        "events",
    ):
        op.drop_table(table, schema=SCHEMA)

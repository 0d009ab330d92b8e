"""The reporting schema: tables owned by this service only.

Every fact keeps when it happened (`occurred_at`, from the event's payload or its CloudEvents
`time`) and when it arrived (`arrived_at`, the Kafka record's timestamp), so a figure "as of" a
date counts only what had arrived by then, and a replay writes the very same rows.
"""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Table,
)

from chassis.inbox import inbox_table
from chassis.outbox import outbox_table

SCHEMA = "reporting"
metadata = MetaData(schema=SCHEMA)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


def _times() -> list[Column[object]]:
    return [
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("arrived_at", DateTime(timezone=True), nullable=False),
    ]


# Every event counted, once: what a drill-down lists.
events = Table(
    "events",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("type", String(200), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("account_id", String(200), nullable=False),
    *_times(),
    Index("ix_events_account", "account_id", "occurred_at"),
)

# What an account was (manager, region, segment, classes, VIP, stage...) from when: one row
# per attribute an event set. The value as of a moment is the latest row before it.
account_facts = Table(
    "account_facts",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("attribute", String(40), primary_key=True),
    Column("account_id", String(200), nullable=False),
    Column("value", String(300)),
    *_times(),
    Index("ix_account_facts_lookup", "attribute", "account_id", "occurred_at"),
    # A manager's or team's accounts: those that ever had one of its managers.
    Index("ix_account_facts_value", "attribute", "value"),
)

orders = Table(
    "orders",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("event_id", String(200), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("total", Numeric(18, 2), nullable=False),
    *_times(),
    Index("ix_orders_account", "account_id", "occurred_at"),
    Index("ix_orders_occurred", "occurred_at"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("category", String(100), nullable=False),
    Column("amount", Numeric(20, 2), nullable=False),
)

# Cancellations (the order no longer counts) and returns (the amount comes off its revenue).
order_changes = Table(
    "order_changes",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("order_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("amount", Numeric(18, 2)),
    *_times(),
    Index("ix_order_changes_order", "order_id"),
)

# Tickets filed and SLA clocks met or breached.
ticket_facts = Table(
    "ticket_facts",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("ticket_id", String(200), nullable=False),
    Column("account_id", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("clock", String(40)),
    Column("severity", SmallInteger),
    *_times(),
    Index("ix_ticket_facts_kind", "kind", "occurred_at"),
)

# Each step of a plan item: planned, rescheduled, confirmed, done, missed, cancelled.
plan_facts = Table(
    "plan_facts",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("item_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("owner", String(64)),
    Column("kind", String(20)),
    Column("state", String(20), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("on_time", Boolean),
    *_times(),
    Index("ix_plan_facts_item", "item_id", "occurred_at"),
    # A period's plan completion: the items with a step due in the period.
    Index("ix_plan_facts_due", "due_on"),
    # A manager's or team's plan completion: the items given to them with a step due in it.
    Index("ix_plan_facts_owner_due", "owner", "due_on"),
)

visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("event_id", String(200), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("manager", String(64), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("outcome", String(20), nullable=False),
    *_times(),
    Index("ix_visits_manager", "manager", "occurred_on"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(64), primary_key=True),
    Column("event_id", String(200), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("manager", String(64)),
    Column("csat", SmallInteger),
    Column("nps", SmallInteger),
    Column("context", String(50), nullable=False),
    *_times(),
    Index("ix_feedback_occurred", "occurred_at"),
)

targets = Table(
    "targets",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("manager", String(64), nullable=False),
    Column("month", String(7), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    *_times(),
    Index("ix_targets_manager", "manager", "month"),
)

# The read models a rebuild replays and a checksum compares, in dependency-free order.
READ_MODELS: tuple[Table, ...] = (
    events,
    account_facts,
    orders,
    order_lines,
    order_changes,
    ticket_facts,
    plan_facts,
    visits,
    feedback,
    targets,
)

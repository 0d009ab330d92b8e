"""The complaints schema: tables owned by this service only."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Interval,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    false,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from chassis.audit import access_log_table
from chassis.inbox import inbox_table
from chassis.outbox import outbox_table
from chassis.scheduler import timer_table

SCHEMA = "complaints"
metadata = MetaData(schema=SCHEMA)

# The local read model of accounts, fed by the accounts events.
accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False, server_default=""),
    Column("registered", Boolean, nullable=False, server_default=false()),
    Column("tier", String(10)),
    Column("frequency_class", String(10)),
    Column("vip", Boolean, nullable=False, server_default=false()),
    # Whose account it is: tickets are scoped by it (decision 0016, complaints).
    Column("account_manager", String(64)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_accounts_manager", "account_manager"),
)

calendars = Table(
    "calendars",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("week", JSONB, nullable=False),
    Column("holidays", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", String(64), nullable=False),
)

sla_policies = Table(
    "sla_policies",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("document", JSONB, nullable=False),
    Column("active", Boolean, nullable=False, server_default=false()),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", String(64), nullable=False),
    Index("uq_sla_policies_one_active", "active", unique=True, postgresql_where=text("active")),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("contact", String(300), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("category", String(30), nullable=False),
    Column("severity", SmallInteger, nullable=False),
    Column("description", Text, nullable=False),
    Column("order_refs", JSONB, nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("tier", String(10)),
    Column("vip", Boolean, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("opened_by", String(64), nullable=False),
    Column("status", String(20), nullable=False),
    Column("department", String(20)),
    Column("handler", String(64)),
    Column("remedy", String(20)),
    Column("solution", Text),
    Column("root_cause", Text),
    Column("satisfaction", SmallInteger),
    Column("escalation_level", SmallInteger, nullable=False, server_default="0"),
    Column("ops_escalation_due", DateTime(timezone=True)),
    Column("reopen_count", Integer, nullable=False, server_default="0"),
    Column("repeat_count", Integer, nullable=False, server_default="0"),
    Column("cause_repeat_count", Integer, nullable=False, server_default="0"),
    Column("milestones", JSONB, nullable=False),
    # Earliest deadline of a running clock (breached ones included): the queue's sort key.
    Column("next_deadline_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_tickets_account_opened", "account_id", "opened_at"),
    Index(
        "ix_tickets_open_next_deadline",
        "next_deadline_at",
        postgresql_where=text("status <> 'closed'"),
    ),
    Index("ix_tickets_status", "status"),
)

ticket_clocks = Table(
    "ticket_clocks",
    metadata,
    Column("ticket_id", String(40), ForeignKey("tickets.id"), primary_key=True),
    Column("clock", String(20), primary_key=True),
    Column("amount", Integer, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("calendar", String(64)),
    Column("pausable", Boolean, nullable=False),
    Column("thresholds", JSONB, nullable=False),
    Column("state", String(10), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("budget", Interval),
    Column("consumed", Interval, nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("segment_start", DateTime(timezone=True)),
    Column("deadline", DateTime(timezone=True)),
    Column("paused_since", DateTime(timezone=True)),
    Column("pause_reason", Text),
    Column("paused_total", Interval, nullable=False),
    Column("stopped_at", DateTime(timezone=True)),
    Column("warnings_fired", SmallInteger, nullable=False),
    Column("breached_at", DateTime(timezone=True)),
    Index(
        "ix_ticket_clocks_running_calendar",
        "calendar",
        postgresql_where=text("state IN ('running', 'paused')"),
    ),
)

ticket_history = Table(
    "ticket_history",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("ticket_id", String(40), ForeignKey("tickets.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", JSONB, nullable=False),
    Index("ix_ticket_history_ticket", "ticket_id", "id"),
)

standard_answers = Table(
    "standard_answers",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("category", String(30), nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_standard_answers_category", "category"),
)

timers = timer_table(metadata)
inbox = inbox_table(metadata)
outbox = outbox_table(metadata)
# Every read and change of a ticket's personal data (decision 0020).
access_log = access_log_table(metadata)

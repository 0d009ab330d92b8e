"""The engagement schema: tables owned by this service only."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
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

SCHEMA = "engagement"
metadata = MetaData(schema=SCHEMA)

outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
# Every read and change of personal data: visit logs, care touches' contact names (decision 0020).
access_log = access_log_table(metadata)
# One "upkeep" timer per account: when its plan next needs attention (an item's window ends,
# the horizon rolls forward).
timers = timer_table(metadata)

OPEN_ITEM = text("state IN ('planned', 'confirmed', 'rescheduled')")

# The local read model of accounts, fed by the accounts and ERP events.
accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False, server_default=""),
    Column("manager", String(64)),
    Column("registered", Boolean, nullable=False, server_default=false()),
    Column("grade", String(1)),
    Column("value_class", String(10)),
    Column("abc_class", String(1)),
    Column("vip", Boolean, nullable=False, server_default=false()),
    Column("lifecycle", String(20)),
    Column("first_order_on", Date),
    Column("last_done_on", Date),
    Column("plan_policy_version", Integer),
    Column("reschedule_count", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_accounts_manager", "manager"),
    Index("ix_accounts_plan_policy_version", "plan_policy_version"),
)

key_dates = Table(
    "key_dates",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("reference", String(64), primary_key=True),
    Column("kind", String(20), primary_key=True),
    Column("month", SmallInteger, nullable=False),
    Column("day", SmallInteger, nullable=False),
)

# Each card contact's consent to marketing contact in force (accounts' consent events, by
# reference): care touches only while it is not withdrawn.
contact_consents = Table(
    "contact_consents",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("contact_reference", String(64), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
)

plan_items = Table(
    "plan_items",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("owner", String(64)),
    Column("kind", String(20), nullable=False),
    Column("origin", String(30), nullable=False),
    Column("state", String(20), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("window_start", Date, nullable=False),
    Column("window_end", Date, nullable=False),
    Column("policy_version", Integer),
    Column("trigger", String(200)),
    Column("note", Text, nullable=False, server_default=""),
    Column("reschedule_count", Integer, nullable=False, server_default="0"),
    Column("visit_id", String(64)),
    Column("replaced_by", String(64)),
    Column("cancelled_by", String(10)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("done_at", DateTime(timezone=True)),
    # What makes an automatic item exactly-once: one per account, origin and trigger.
    Index(
        "uq_plan_items_trigger",
        "account_id",
        "origin",
        "trigger",
        unique=True,
        postgresql_where=text("trigger IS NOT NULL"),
    ),
    Index("ix_plan_items_account", "account_id", "due_on"),
    Index("ix_plan_items_owner_due", "owner", "due_on"),
)

reschedules = Table(
    "reschedules",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("item_id", String(64), nullable=False, index=True),
    Column("account_id", String(64), nullable=False),
    Column("previous_due_on", Date, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("requested_by", String(10), nullable=False),
    Column("reason", String(30), nullable=False),
    Column("actor", String(64)),
    Column("at", DateTime(timezone=True), nullable=False),
)

visits = Table(
    "visits",
    metadata,
    Column("visit_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("manager", String(64), nullable=False),
    Column("item_id", String(64)),
    Column("occurred_on", Date, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("contact_ref", String(64)),
    Column("duration_minutes", Integer, nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("notes", Text, nullable=False, server_default=""),
    Column("next_step", Text, nullable=False, server_default=""),
    Column("next_step_item_id", String(64)),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Index("ix_visits_account", "account_id", "occurred_on"),
    Index("ix_visits_manager", "manager", "occurred_on"),
)

feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False, index=True),
    Column("manager", String(64)),
    Column("context", String(20), nullable=False),
    Column("csat", SmallInteger),
    Column("nps", SmallInteger),
    Column("visit_id", String(64)),
    Column("ticket_id", String(64)),
    Column("responded_at", DateTime(timezone=True), nullable=False),
)

targets = Table(
    "targets",
    metadata,
    Column("manager", String(64), primary_key=True),
    Column("month", Date, primary_key=True),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("set_by", String(64)),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# ERP orders of the accounts, for first orders and actuals against targets.
orders = Table(
    "orders",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("placed_on", Date),
    Column("total", Numeric(18, 2)),
    Column("currency", String(3)),
    # A cancellation may arrive before its order: the row then has only this.
    Column("cancelled_on", Date),
    Index("ix_orders_account_placed", "account_id", "placed_on"),
)

returns = Table(
    "returns",
    metadata,
    Column("event_id", String(200), primary_key=True),
    Column("order_id", String(64), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("returned_on", Date, nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),
    Index("ix_returns_account", "account_id", "returned_on"),
)

cadence_policies = Table(
    "cadence_policies",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("data", JSONB, nullable=False),
    Column("state", String(10), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("activated_at", DateTime(timezone=True)),
)

# The working-day calendar: public holidays and the weekend days worked instead.
calendar_days = Table(
    "calendar_days",
    metadata,
    Column("on", Date, primary_key=True),
    Column("kind", String(12), nullable=False),
    Column("name", String(100), nullable=False, server_default=""),
)

# Which managers a supervisor leads (until sign-in brings teams from the directory).
team_members = Table(
    "team_members",
    metadata,
    Column("team", String(64), primary_key=True),
    Column("manager", String(64), primary_key=True),
    Column("supervisor", String(64), nullable=False),
)

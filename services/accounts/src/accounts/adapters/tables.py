"""The accounts schema: tables owned by this service only."""

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from chassis.inbox import inbox_table
from chassis.outbox import outbox_table

SCHEMA = "accounts"
metadata = MetaData(schema=SCHEMA)

Money = Numeric(18, 2)

accounts = Table(
    "accounts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("region", String(100), nullable=False),
    Column("country", String(100), nullable=False),
    Column("segment", String(100), nullable=False),
    Column("address", String(500), nullable=False),
    Column("account_manager", String(64)),
    Column("erp_updated_at", DateTime(timezone=True), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("order_count_12m", Integer, nullable=False, server_default="0"),
    Column("net_revenue_12m", Money, nullable=False, server_default="0"),
    Column("value_class", String(10), nullable=False, server_default="low"),
    Column("frequency_class", String(10), nullable=False, server_default="low"),
    Column("classified_at", DateTime(timezone=True)),
    Index("ix_accounts_value_class", "value_class"),
    Index("ix_accounts_region", "region"),
)

# An order row may exist before its `placed` event (a cancellation arrived first): the placed
# fields stay empty until it comes.
orders = Table(
    "orders",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("placed_at", DateTime(timezone=True)),
    Column("currency", String(3)),
    Column("total", Money),
    Column("cancelled_at", DateTime(timezone=True)),
    Index("ix_orders_customer_placed", "customer_id", "placed_at"),
)

order_returns = Table(
    "order_returns",
    metadata,
    Column("order_id", String(64), primary_key=True),
    Column("returned_at", DateTime(timezone=True), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("amount", Money, nullable=False),
)

tier_decisions = Table(
    "tier_decisions",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("value_class", String(10), nullable=False),
    Column("frequency_class", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("inputs", JSONB, nullable=False),
    Index("ix_tier_decisions_account", "account_id", "decided_at"),
)

inbox = inbox_table(metadata)
outbox = outbox_table(metadata)

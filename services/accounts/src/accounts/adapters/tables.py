"""The accounts schema: tables owned by this service only."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
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
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from chassis.inbox import inbox_table
from chassis.outbox import outbox_table
from chassis.scheduler import timer_table

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
    # Where the account came from: ERP master data, or a manager registering a prospect.
    Column("origin", String(10), nullable=False, server_default="erp"),
    Column("created_by", String(64)),
    Column("referred_by", String(64), ForeignKey("accounts.account_id")),
    Column("priority_lead", Boolean, nullable=False, server_default="false"),
    Column("vip", Boolean, nullable=False, server_default="false"),
    Column("vip_since", DateTime(timezone=True)),
    # The tier beyond value and frequency: ABC, graded scorecard, recommendation, policy.
    Column("abc_class", String(1)),
    Column("grade", String(1)),
    Column("score", Numeric(4, 1)),
    Column("recommendation", String(10)),
    Column("policy_version", Integer),
    Column("scorecard", JSONB),
    Column("lifecycle_stage", String(10), nullable=False, server_default="prospect"),
    Column("lifecycle_changed_at", DateTime(timezone=True)),
    Column("lifecycle_reason", Text),
    Column("first_order_at", DateTime(timezone=True)),
    Column("last_order_at", DateTime(timezone=True)),
    Column("card_reviewed_at", DateTime(timezone=True)),
    Column("card_stale", Boolean, nullable=False, server_default="false"),
    # The pending time-driven evaluation (a timer row), kept here to reschedule only changes.
    Column("next_evaluation_at", DateTime(timezone=True)),
    Index("ix_accounts_value_class", "value_class"),
    Index("ix_accounts_region", "region"),
    # The account list's region and segment pickers skip along these (distinct_values).
    Index("ix_accounts_segment", "segment"),
    Index("ix_accounts_referred_by", "referred_by"),
    Index("ix_accounts_revenue", "net_revenue_12m"),
    # Every read of a manager's or a team's accounts filters on it (scoping, decision 0016).
    Index("ix_accounts_manager", "account_manager"),
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
    # Evaluations read an account's returns by its id.
    Index("ix_order_returns_customer", "customer_id"),
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
    Column("abc_class", String(1)),
    Column("grade", String(1)),
    Column("score", Numeric(4, 1)),
    Column("recommendation", String(10)),
    Column("policy_version", Integer),
    Index("ix_tier_decisions_account", "account_id", "decided_at"),
)

# Exactly one policy is active; drafts can be previewed; retired ones stay for the record.
tier_policies = Table(
    "tier_policies",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("status", String(10), nullable=False),
    Column("document", JSONB, nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("activated_by", String(64)),
    Column("activated_at", DateTime(timezone=True)),
    Column("retired_at", DateTime(timezone=True)),
    Index(
        "ux_tier_policies_active",
        "status",
        unique=True,
        postgresql_where=text("status = 'active'"),
    ),
)

lifecycle_changes = Table(
    "lifecycle_changes",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("previous_stage", String(10)),
    Column("stage", String(10), nullable=False),
    Column("reactivated", Boolean, nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_lifecycle_changes_account", "account_id", "changed_at"),
)

# The current card; every saved version (the whole card) is kept in card_versions.
cards = Table(
    "cards",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.account_id"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("content", JSONB, nullable=False),
    Column("updated_by", String(64), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

card_versions = Table(
    "card_versions",
    metadata,
    Column("account_id", String(64), ForeignKey("accounts.account_id"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("content", JSONB, nullable=False),
    Column("changes", JSONB, nullable=False),
    Index("ix_card_versions_account_time", "account_id", "changed_at"),
)

# Cards whose key dates are still to be published once: migration 0007 queued every card saved
# before AccountKeyDatesChanged existed, and the worker drains the queue at start-up.
key_dates_republish = Table(
    "key_dates_republish",
    metadata,
    Column("account_id", String(64), primary_key=True),
)

card_reviews = Table(
    "card_reviews",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("reviewed_by", String(64), nullable=False),
    Column("reviewed_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Index("ix_card_reviews_account", "account_id", "reviewed_at"),
)

# Privacy (DOMAIN.md §5): every read and change of a card's personal data, who, when, why.
personal_data_access = Table(
    "personal_data_access",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(10), nullable=False),
    Column("what", String(200), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_personal_data_access_account", "account_id", "at"),
)

# A contact's consent to marketing contact: every record kept, the latest in force.
contact_consents = Table(
    "contact_consents",
    metadata,
    Column("id", BigInteger, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("contact_id", String(32), nullable=False),
    Column("state", String(10), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Index("ix_contact_consents_contact", "account_id", "contact_id", "recorded_at"),
)

# Erasures of contacts' personal data, and each service's part: accounts is done at once, the
# others when their `privacy.erasure.completed.v1` arrives.
erasures = Table(
    "erasures",
    metadata,
    Column("erasure_id", String(32), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("scope", String(10), nullable=False),
    Column("contact_ids", JSONB, nullable=False),
    Column("reason", String(10), nullable=False),
    Column("why", Text, nullable=False, server_default=""),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Index("ix_erasures_requested", "requested_at"),
    Index("ix_erasures_account", "account_id", "requested_at"),
)

erasure_services = Table(
    "erasure_services",
    metadata,
    Column("erasure_id", String(32), ForeignKey("erasures.erasure_id"), primary_key=True),
    Column("service", String(30), primary_key=True),
    Column("state", String(10), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
)

vip_nominations = Table(
    "vip_nominations",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("account_id", String(64), ForeignKey("accounts.account_id"), nullable=False),
    Column("status", String(10), nullable=False),
    Column("reason", Text, nullable=False),
    Column("nominated_by", String(64), nullable=False),
    Column("nominated_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(64)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", Text),
    Column("revoked_by", String(64)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoke_reason", Text),
    Index(
        "ux_vip_nominations_pending",
        "account_id",
        unique=True,
        postgresql_where=text("status = 'pending'"),
    ),
)

# Signals from other services, kept as local read models (ARCHITECTURE.md: no shared tables).
feedback = Table(
    "feedback",
    metadata,
    Column("feedback_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("csat", Integer),
    Column("nps", Integer),
    Column("context", String(50), nullable=False),
    Column("responded_at", DateTime(timezone=True), nullable=False),
    Index("ix_feedback_account", "account_id", "responded_at"),
)

complaints = Table(
    "complaints",
    metadata,
    Column("ticket_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("category", String(30), nullable=False),
    Column("severity", Integer, nullable=False),
    Column("filed_at", DateTime(timezone=True), nullable=False),
    Index("ix_complaints_account", "account_id", "filed_at"),
)

# When each signal feed first delivered data: before that, its indicator has no data at all.
signal_feeds = Table(
    "signal_feeds",
    metadata,
    Column("feed", String(50), primary_key=True),
    Column("first_event_at", DateTime(timezone=True), nullable=False),
)

# Engagement's plan as far as the account page needs it (domain/contacts.py): the items that
# can still be open, and each account's last and next contact.
plan_items = Table(
    "plan_items",
    metadata,
    Column("item_id", String(64), primary_key=True),
    Column("account_id", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("origin", String(30), nullable=False),
    Column("state", String(20), nullable=False),
    Column("due_on", Date, nullable=False),
    Index("ix_plan_items_account", "account_id", "due_on"),
)

account_contacts = Table(
    "account_contacts",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("last_contact_on", Date),
    Column("last_contact_channel", String(20)),
    Column("next_contact_due", Date),
    Column("next_contact_kind", String(20)),
    Column("next_contact_origin", String(30)),
)

evaluation_reports = Table(
    "evaluation_reports",
    metadata,
    Column("id", Integer, Identity(), primary_key=True),
    Column("period", String(10), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("period_start", DateTime(timezone=True), nullable=False),
    Column("period_end", DateTime(timezone=True), nullable=False),
    Column("policy_version", Integer, nullable=False),
    Column("account_count", Integer, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("reviewed_by", String(64)),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("review_note", Text),
    UniqueConstraint("period", name="uq_evaluation_reports_period"),
)

evaluation_report_lines = Table(
    "evaluation_report_lines",
    metadata,
    Column("report_id", Integer, ForeignKey("evaluation_reports.id"), primary_key=True),
    Column("account_id", String(64), primary_key=True),
    Column("name", String(300), nullable=False),
    Column("account_manager", String(64)),
    Column("order_count_period", Integer, nullable=False),
    Column("net_revenue_period", Money, nullable=False),
    Column("order_count_12m", Integer, nullable=False),
    Column("net_revenue_12m", Money, nullable=False),
    Column("value_class", String(10), nullable=False),
    Column("frequency_class", String(10), nullable=False),
    Column("score", Numeric(4, 1), nullable=False),
    # None: still a prospect at the period's end, not graded.
    Column("grade", String(1)),
    Column("recommendation", String(10)),
    Column("lifecycle_stage", String(10), nullable=False),
    Column("indicators", JSONB, nullable=False),
)

inbox = inbox_table(metadata)
outbox = outbox_table(metadata)
timers = timer_table(metadata)

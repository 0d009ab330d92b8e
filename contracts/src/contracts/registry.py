"""The topic registry: every topic, its owner, and the event types it carries."""

from dataclasses import dataclass

from contracts import accounts_v1, complaints_v1, engagement_v1, erp_v1, privacy_v1
from contracts.envelope import EventData


@dataclass(frozen=True)
class TopicSpec:
    name: str
    owner: str
    description: str
    events: tuple[type[EventData], ...]


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        erp_v1.CUSTOMERS_TOPIC,
        "erp",
        "Customer master data from the ERP. Key: customer_id.",
        (erp_v1.CustomerUpserted,),
    ),
    TopicSpec(
        erp_v1.ORDERS_TOPIC,
        "erp",
        "Orders, cancellations and returns from the ERP. Key: customer_id.",
        (erp_v1.OrderPlaced, erp_v1.OrderCancelled, erp_v1.OrderReturned),
    ),
    TopicSpec(
        accounts_v1.ACCOUNTS_TOPIC,
        "accounts",
        "Accounts: registration, master data, relationship cards, tiering, VIP, lifecycle, referrals. Key: account id.",
        accounts_v1.EVENTS,
    ),
    TopicSpec(
        complaints_v1.TICKETS_TOPIC,
        "complaints",
        "Complaint tickets: filing, handling steps, SLA warnings, breaches and escalations. "
        "Key: account id.",
        complaints_v1.EVENTS,
    ),
    TopicSpec(
        engagement_v1.PLAN_TOPIC,
        "engagement",
        "The contact plan and the visit log: items planned, confirmed, rescheduled, done, "
        "missed, cancelled and reassigned; visits logged. Key: account id.",
        engagement_v1.PLAN_EVENTS,
    ),
    TopicSpec(
        engagement_v1.FEEDBACK_TOPIC,
        "engagement",
        "Satisfaction feedback (CSAT, NPS) from visits, complaint follow-ups and surveys. "
        "Key: account id.",
        engagement_v1.FEEDBACK_EVENTS,
    ),
    TopicSpec(
        engagement_v1.TARGETS_TOPIC,
        "engagement",
        "Monthly sales targets per manager. Key: the manager's staff id.",
        engagement_v1.TARGET_EVENTS,
    ),
    # Shared by every service that keeps personal data: each reports its own erasures here.
    TopicSpec(
        privacy_v1.ERASURES_TOPIC,
        "every-service",
        "Erasures completed: each service that keeps personal data reports that it anonymised "
        "what an accounts.contact.erased.v1 named; accounts keeps the erasure report. "
        "Key: account id.",
        privacy_v1.EVENTS,
    ),
)

EVENT_TYPES: dict[str, type[EventData]] = {
    event.event_type: event for topic in TOPICS for event in topic.events
}


def dead_letter_topic(consumer: str) -> str:
    """Each consumer has its own dead-letter topic."""
    return f"dlq.{consumer}"

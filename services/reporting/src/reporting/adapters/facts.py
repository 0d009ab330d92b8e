"""The rows each consumed event becomes: the mapping from contract events to read models.

The occurred time is the payload's own time of the fact (an order's `placed_at`, a visit's
day, ...); the arrival time is the Kafka record's timestamp, the same on every replay.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from chassis.kafka import ReceivedEvent
from contracts import accounts_v1, complaints_v1, engagement_v1, erp_v1
from contracts.envelope import EventData
from reporting.domain.periods import midnight

Row = dict[str, Any]
Rows = dict[str, list[Row]]


def arrival(event: ReceivedEvent) -> datetime:
    """When the event reached Kafka (its record timestamp); the envelope time if unknown."""
    if event.timestamp_ms is None:
        return event.envelope.time
    return datetime.fromtimestamp(event.timestamp_ms / 1000, tz=UTC)


def occurred(data: EventData, fallback: datetime) -> datetime:
    """The payload's time of the fact, or the CloudEvents `time`."""
    match data:
        case erp_v1.OrderPlaced():
            return data.placed_at
        case erp_v1.OrderCancelled():
            return data.cancelled_at
        case erp_v1.OrderReturned():
            return data.returned_at
        case engagement_v1.VisitLogged():
            return midnight(data.occurred_on)
        case engagement_v1.FeedbackRecorded():
            return data.responded_at
        case engagement_v1.TargetSet():
            return data.set_at
    for name in (
        "registered_at",
        "updated_at",
        "classified_at",
        "changed_at",
        "granted_at",
        "revoked_at",
        "recorded_at",
        "filed_at",
        "met_at",
        "breached_at",
        "planned_at",
        "rescheduled_at",
        "confirmed_at",
        "done_at",
        "missed_at",
        "cancelled_at",
    ):
        value = getattr(data, name, None)
        if isinstance(value, datetime):
            return value
    return fallback


def to_rows(received: Iterable[ReceivedEvent]) -> Rows:
    """Every table's new rows for a batch of events (in batch order)."""
    rows: Rows = defaultdict(list)
    for event in received:
        times = {
            "occurred_at": occurred(event.data, event.envelope.time),
            "arrived_at": arrival(event),
        }
        rows["events"].append(
            {
                "event_id": event.id,
                "type": event.envelope.type,
                "topic": event.topic,
                "account_id": event.envelope.subject,
                **times,
            }
        )
        _add_facts(rows, event.id, event.data, times)
    return rows


def _attributes(
    rows: Rows, event_id: str, account_id: str, times: Row, values: dict[str, str | None]
) -> None:
    for attribute, value in values.items():
        rows["account_facts"].append(
            {
                "event_id": event_id,
                "attribute": attribute,
                "account_id": account_id,
                "value": value,
                **times,
            }
        )


def _add_facts(rows: Rows, event_id: str, data: EventData, times: Row) -> None:
    match data:
        case accounts_v1.AccountRegistered():
            _attributes(
                rows,
                event_id,
                data.account_id,
                times,
                {
                    "registered": data.origin,
                    "manager": data.account_manager,
                    "region": data.region,
                    "segment": data.segment,
                    "referred_by": data.referred_by,
                },
            )
        case accounts_v1.AccountUpdated():
            _attributes(
                rows,
                event_id,
                data.account_id,
                times,
                {
                    "manager": data.account_manager,
                    "region": data.region,
                    "segment": data.segment,
                },
            )
        case accounts_v1.AccountClassified():
            values: dict[str, str | None] = {"value_class": data.value_class}
            if data.abc_class is not None:
                values["abc_class"] = data.abc_class
            if data.grade is not None:
                values["grade"] = data.grade
            _attributes(rows, event_id, data.account_id, times, values)
        case accounts_v1.AccountLifecycleChanged():
            _attributes(rows, event_id, data.account_id, times, {"stage": data.stage})
        case accounts_v1.AccountVipGranted():
            _attributes(rows, event_id, data.account_id, times, {"vip": "vip"})
        case accounts_v1.AccountVipRevoked():
            _attributes(rows, event_id, data.account_id, times, {"vip": "non-vip"})
        case accounts_v1.AccountReferralRecorded():
            _attributes(
                rows, event_id, data.referred_account_id, times, {"referred_by": data.account_id}
            )
        case erp_v1.OrderPlaced():
            rows["orders"].append(
                {
                    "order_id": data.order_id,
                    "event_id": event_id,
                    "account_id": data.customer_id,
                    "currency": data.currency,
                    "total": Decimal(data.total),
                    **times,
                }
            )
            for number, line in enumerate(data.lines):
                rows["order_lines"].append(
                    {
                        "order_id": data.order_id,
                        "line": number,
                        "category": line.category or "uncategorised",
                        "amount": Decimal(line.unit_price) * line.quantity,
                    }
                )
        case erp_v1.OrderCancelled():
            rows["order_changes"].append(
                {
                    "event_id": event_id,
                    "order_id": data.order_id,
                    "account_id": data.customer_id,
                    "kind": "cancelled",
                    "amount": None,
                    **times,
                }
            )
        case erp_v1.OrderReturned():
            rows["order_changes"].append(
                {
                    "event_id": event_id,
                    "order_id": data.order_id,
                    "account_id": data.customer_id,
                    "kind": "returned",
                    "amount": Decimal(data.amount),
                    **times,
                }
            )
        case complaints_v1.TicketFiled():
            rows["ticket_facts"].append(
                _ticket(event_id, data.ticket_id, data.account_id, "filed", None, times)
                | {"severity": data.severity}
            )
        case complaints_v1.SlaMet():
            rows["ticket_facts"].append(
                _ticket(event_id, data.ticket_id, data.account_id, "met", data.clock, times)
            )
        case complaints_v1.SlaBreached():
            rows["ticket_facts"].append(
                _ticket(event_id, data.ticket_id, data.account_id, "breached", data.clock, times)
                | {"severity": data.severity}
            )
        case (
            engagement_v1.PlanItemPlanned()
            | engagement_v1.PlanItemRescheduled()
            | engagement_v1.PlanItemConfirmed()
            | engagement_v1.PlanItemDone()
            | engagement_v1.PlanItemMissed()
            | engagement_v1.PlanItemCancelled()
        ):
            rows["plan_facts"].append(
                {
                    "event_id": event_id,
                    "item_id": data.item_id,
                    "account_id": data.account_id,
                    "owner": data.owner,
                    "kind": getattr(data, "kind", None),
                    "state": _PLAN_STATES[type(data)],
                    "due_on": data.due_on,
                    "on_time": getattr(data, "on_time", None),
                    **times,
                }
            )
        case engagement_v1.VisitLogged():
            rows["visits"].append(
                {
                    "visit_id": data.visit_id,
                    "event_id": event_id,
                    "account_id": data.account_id,
                    "manager": data.manager,
                    "occurred_on": data.occurred_on,
                    "channel": data.channel,
                    "outcome": data.outcome,
                    **times,
                }
            )
        case engagement_v1.FeedbackRecorded():
            rows["feedback"].append(
                {
                    "feedback_id": data.feedback_id,
                    "event_id": event_id,
                    "account_id": data.account_id,
                    "manager": data.manager,
                    "csat": data.csat,
                    "nps": data.nps,
                    "context": data.context,
                    **times,
                }
            )
        case engagement_v1.TargetSet():
            rows["targets"].append(
                {
                    "event_id": event_id,
                    "manager": data.manager,
                    "month": data.month,
                    "currency": data.currency,
                    "amount": Decimal(data.amount),
                    **times,
                }
            )


_PLAN_STATES: dict[type[EventData], str] = {
    engagement_v1.PlanItemPlanned: "planned",
    engagement_v1.PlanItemRescheduled: "rescheduled",
    engagement_v1.PlanItemConfirmed: "confirmed",
    engagement_v1.PlanItemDone: "done",
    engagement_v1.PlanItemMissed: "missed",
    engagement_v1.PlanItemCancelled: "cancelled",
}


def _ticket(
    event_id: str, ticket_id: str, account_id: str, kind: str, clock: str | None, times: Row
) -> Row:
    return {
        "event_id": event_id,
        "ticket_id": ticket_id,
        "account_id": account_id,
        "kind": kind,
        "clock": clock,
        "severity": None,
        **times,
    }

"""What the pages show for the domain's machine values (statuses, clocks, channels...), in the
reader's language: English here, marked with `N_`, translated where shown by `label`.

A value with no entry shows as itself (a clock or category a newer policy added).
"""

from collections.abc import Mapping
from datetime import date, timedelta

from chassis.i18n import CHINESE, N_, _, current, weekday
from complaints.domain.calendar import WEEKDAYS

LABELS: dict[str, dict[str, str]] = {
    "status": {
        "received": N_("received"),
        "acknowledged": N_("acknowledged"),
        "investigating": N_("investigating"),
        "solution_proposed": N_("solution proposed"),
        "resolved": N_("resolved"),
        "follow_up": N_("follow up"),
        "closed": N_("closed"),
    },
    "clock": {
        "respond": N_("respond"),
        "confirm": N_("confirm"),
        "resolve": N_("resolve"),
        "feedback": N_("feedback"),
        "return_review": N_("return review"),
        "replacement": N_("replacement"),
        "refund": N_("refund"),
        "regulator": N_("regulator"),
    },
    "clock_state": {
        "pending": N_("pending"),
        "running": N_("running"),
        "paused": N_("paused"),
        "stopped": N_("stopped"),
    },
    "outcome": {"met": N_("met"), "breached": N_("breached")},
    "milestone": {
        "filed": N_("filed"),
        "acknowledged": N_("acknowledged"),
        "confirmed": N_("confirmed"),
        "resolved": N_("resolved"),
        "closed": N_("closed"),
        "return_reviewed": N_("return reviewed"),
        "replacement_approved": N_("replacement approved"),
        "replacement_shipped": N_("replacement shipped"),
        "goods_received": N_("goods received"),
        "refund_paid": N_("refund paid"),
        "regulator_reported": N_("regulator reported"),
    },
    "category": {
        "product_quality": N_("product quality"),
        "delivery": N_("delivery"),
        "price": N_("price"),
        "service": N_("service"),
        "billing": N_("billing"),
        "returns": N_("returns"),
    },
    "channel": {
        "hotline": N_("hotline"),
        "online": N_("online"),
        "email": N_("email"),
        "visit": N_("visit"),
        "social": N_("social media"),
    },
    "department": {
        "sales": N_("sales"),
        "quality": N_("quality"),
        "logistics": N_("logistics"),
        "finance": N_("finance"),
    },
    "remedy": {
        "replace": N_("replace"),
        "repair": N_("repair"),
        "refund": N_("refund"),
        "compensation": N_("compensation"),
        "explanation": N_("explanation"),
    },
    # The history's actions (Ticket._record) and their details' names.
    "action": {
        "filed": N_("filed"),
        "acknowledged": N_("acknowledged"),
        "assigned": N_("assigned"),
        "investigating": N_("investigating"),
        "solution_proposed": N_("solution proposed"),
        "solution_rejected": N_("solution rejected"),
        "resolved": N_("resolved"),
        "followed_up": N_("followed up"),
        "closed": N_("closed"),
        "reopened": N_("reopened"),
        "clock_paused": N_("clock paused"),
        "clock_resumed": N_("clock resumed"),
        "return_reviewed": N_("return reviewed"),
        "goods_received": N_("goods received"),
        "replacement_shipped": N_("replacement shipped"),
        "refund_paid": N_("refund paid"),
        "regulator_reported": N_("regulator reported"),
        "sla_warning": N_("SLA warning"),
        "sla_breached": N_("SLA breached"),
        "sla_met": N_("SLA met"),
        "escalated": N_("escalated"),
    },
    "detail": {
        "severity": N_("severity"),
        "category": N_("category"),
        "department": N_("department"),
        "handler": N_("handler"),
        "clock": N_("clock"),
        "reason": N_("reason"),
        "note": N_("note"),
        "satisfaction": N_("satisfaction"),
        "reference": N_("reference"),
        "root_cause": N_("root cause"),
        "remedy": N_("remedy"),
        "solution": N_("solution"),
        "to": N_("to"),
    },
    "escalation": {"supervisor": N_("supervisor"), "ops": N_("ops")},
    "tier": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "unit": {
        "seconds": N_("seconds"),
        "minutes": N_("minutes"),
        "hours": N_("hours"),
        "days": N_("days"),
        "working_days": N_("working days"),
    },
    "severity": {"1": N_("severe"), "2": N_("defect"), "3": N_("minor")},
    # A policy rule's match keys.
    "match": {
        "severity": N_("severity"),
        "category": N_("category"),
        "tier": N_("tier"),
        "vip": N_("VIP"),
    },
}

# A history detail whose value is itself a machine value of this kind.
DETAIL_VALUES = {
    "category": "category",
    "department": "department",
    "clock": "clock",
    "remedy": "remedy",
    "to": "escalation",
}

# A Monday: the calendar's weekdays are named from the week that starts on it.
A_MONDAY = date(2026, 11, 16)
WEEKDAY_DATES = {name: A_MONDAY + timedelta(days=offset) for offset, name in enumerate(WEEKDAYS)}


def label(kind: str, value: object) -> str:
    """`value` of `kind` in the current language (the value itself when it has no label)."""
    english = LABELS[kind].get(str(value))
    return _(english) if english else str(value).replace("_", " ")


def detail_value(key: str, value: object) -> str:
    """A history detail's value: translated when it is a machine value (a clock, a remedy)."""
    kind = DETAIL_VALUES.get(key)
    return label(kind, value) if kind else str(value)


def rule_value(key: str, value: object) -> str:
    """What a policy rule matches on: a category or tier by its label, VIP as yes or no."""
    if key == "vip":
        return _("yes") if value else _("no")
    return label(key, value) if key in ("category", "tier") else str(value)


def weekday_name(name: str) -> str:
    """A calendar's weekday key (`monday`) as the locale names it: `Monday` / `星期一`."""
    return weekday(WEEKDAY_DATES[name])


def holiday_name(name: Mapping[str, str]) -> str:
    """A holiday's name (`{"en": ..., "zh": ...}`) in the reader's language, else in the other
    (a name given in one language only), else empty."""
    mine, other = ("zh", "en") if current() == CHINESE else ("en", "zh")
    return name.get(mine) or name.get(other) or ""

"""What the reporting pages show for machine values (figures, table columns, breakdown keys),
in the reader's language: English here, marked with `N_`, translated where shown by `label`.
The CSV exports keep the machine values and the English column names.

A value with no entry shows as itself (a manager's staff id, a region the ERP added).
"""

from chassis.i18n import N_, _, data_label

FIGURES: dict[str, str] = {
    "sales_vs_target": N_("Sales vs target"),
    "visits": N_("Visits a month per manager"),
    "plan_completion": N_("Visit plan completion"),
    "follow_ups_on_time": N_("Follow-ups on time"),
    "csat": N_("CSAT (share 4-5)"),
    "nps": N_("NPS"),
    "retention": N_("Retention"),
    "churn": N_("Churn"),
    "new_accounts": N_("New-account growth"),
    "repeat_purchase": N_("Repeat purchase"),
    "clv": N_("Customer lifetime value"),
    "referral": N_("Referral rate"),
    "complaint_rate": N_("Complaints per 100 accounts"),
    "sla_compliance": N_("SLA compliance"),
    "revenue_by_value_class": N_("Revenue by value class"),
    "revenue_by_grade": N_("Revenue by grade"),
    "revenue_by_abc_class": N_("Revenue by ABC class"),
    "revenue_by_region": N_("Revenue by region"),
    "revenue_by_segment": N_("Revenue by segment"),
    "revenue_by_vip": N_("Revenue, VIP or not"),
    "revenue_by_category": N_("Revenue by product category"),
    "vip_performance": N_("VIP against non-VIP"),
}

# The keys of the breakdowns: value classes, VIP groups, SLA clocks.
KEYS: dict[str, str] = {
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "vip": N_("VIP"),
    "non-vip": N_("non-VIP"),
    "unknown": N_("unknown"),
    "respond": N_("respond"),
    "resolve": N_("resolve"),
    "return_review": N_("return review"),
    "regulator": N_("regulator"),
}


def figure_label(name: str) -> str:
    return _(FIGURES[name]) if name in FIGURES else name


def label(value: object) -> str:
    """A breakdown's key: a class, a group or a clock here, else a region, segment or product
    category of the ERP's data (chassis.i18n.data_label)."""
    text = str(value)
    return _(KEYS[text]) if text in KEYS else data_label(text)

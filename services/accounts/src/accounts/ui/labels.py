"""What the pages show for the domain's machine values (classes, grades, stages, VIP states,
card fields...), in the reader's language: English here, marked with `N_`, translated where
shown by `label`.

A value with no entry shows as itself, underscores as spaces (a contact channel or kind that
engagement added).
"""

from chassis.i18n import N_, _

LABELS: dict[str, dict[str, str]] = {
    "level": {"high": N_("high"), "medium": N_("medium"), "low": N_("low")},
    "stage": {
        "prospect": N_("prospect"),
        "new": N_("new"),
        "active": N_("active"),
        "at_risk": N_("at risk"),
        "dormant": N_("dormant"),
    },
    "recommendation": {
        "improve": N_("improve"),
        "maintain": N_("maintain"),
        "end": N_("end"),
    },
    "nomination": {
        "pending": N_("awaiting decision"),
        "approved": N_("approved"),
        "rejected": N_("rejected"),
    },
    "policy_status": {"draft": N_("draft"), "active": N_("active"), "retired": N_("retired")},
    "indicator": {
        "revenue": N_("revenue"),
        "frequency": N_("frequency"),
        "recency": N_("recency"),
        "satisfaction": N_("satisfaction"),
        "complaint_rate": N_("complaint rate"),
        "tenure": N_("tenure"),
        "referrals": N_("referrals"),
    },
    # The classes a distribution counts (the policies and preview pages).
    "part": {
        "value_class": N_("value class"),
        "frequency_class": N_("frequency class"),
        "abc_class": N_("ABC class"),
        "grade": N_("grade"),
        "lifecycle_stage": N_("lifecycle stage"),
    },
    "channel": {
        "phone": N_("phone"),
        "email": N_("email"),
        "wechat": N_("WeChat"),
        "sms": N_("SMS"),
        "visit": N_("visit"),
    },
    "consent": {"given": N_("given"), "withdrawn": N_("withdrawn")},
    "consent_channel": {
        "form": N_("signed form"),
        "email": N_("email"),
        "phone": N_("phone"),
        "in_person": N_("in person"),
        "card": N_("card checkbox (before consent records)"),
    },
    "erasure_state": {"pending": N_("pending"), "done": N_("done")},
    "erasure_reason": {"request": N_("on request"), "dormant": N_("dormant account")},
    "timeline": {
        "order": N_("order"),
        "cancellation": N_("cancellation"),
        "return": N_("return"),
        "card": N_("card"),
        "card_review": N_("card review"),
        "tier": N_("tier"),
        "lifecycle": N_("lifecycle"),
        "vip": N_("VIP"),
    },
    # What happened to an item of the card (a contact, a date, a note).
    "change": {"added": N_("added"), "removed": N_("removed")},
    # The card's sections and fields, as its history lists what changed.
    "card_field": {
        "contacts": N_("contacts"),
        "preferences": N_("preferences"),
        "important_dates": N_("important dates"),
        "notes": N_("notes"),
        "name": N_("name"),
        "position": N_("position"),
        "work_unit": N_("work unit"),
        "phone": N_("phone"),
        "email": N_("email"),
        "address": N_("address"),
        "birthday": N_("birthday"),
        "preferred_channel": N_("preferred channel"),
        "call_window_start": N_("call from"),
        "call_window_end": N_("call until"),
        "marketing_consent": N_("marketing consent"),
        "product_categories": N_("product categories"),
        "brands": N_("styles and brands"),
        "price_sensitivity": N_("price sensitivity"),
        "payment_habits": N_("payment habits"),
        "delivery_habits": N_("delivery habits"),
        "label": N_("what"),
        "on": N_("date"),
        "recurring": N_("every year"),
        "text": N_("note"),
        "purpose": N_("purpose"),
    },
}


def label(kind: str, value: object) -> str:
    """`value` of `kind` in the current language (the value itself when it has no label)."""
    english = LABELS[kind].get(str(value))
    return _(english) if english else str(value).replace("_", " ")


# The tier policy's numbers, in the order the draft form and a version's page show them.
POLICY_NUMBERS: tuple[tuple[str, str], ...] = (
    ("value_high", N_("High value from (12-month net revenue)")),
    ("value_medium", N_("Medium value from")),
    ("frequency_high", N_("High frequency from (orders in 12 months)")),
    ("frequency_medium", N_("Medium frequency from")),
    ("abc_a_share", N_("ABC: A makes the first (share of revenue)")),
    ("abc_b_share", N_("ABC: B makes the next")),
    ("grade_a", N_("Grade A from (score)")),
    ("grade_b", N_("Grade B from")),
    ("grade_c", N_("Grade C from")),
    ("grade_margin", N_("Hysteresis margin (score points)")),
    ("abc_margin", N_("Hysteresis margin (revenue share)")),
    ("complaint_rate_zero", N_("Complaints per order that score 0")),
    ("tenure_full_years", N_("Years of cooperation for full marks")),
    ("referrals_full", N_("Referred accounts for full marks")),
)
_POLICY_PARTS = {
    **dict(POLICY_NUMBERS),
    "weights": N_("Scorecard weights"),
    "recency_bands": N_("Recency bands"),
    "recommendations": N_("Recommendations"),
}


def policy_key(key: str) -> str:
    """A tier policy field's name in the reader's language."""
    english = _POLICY_PARTS.get(key)
    return _(english) if english else key.replace("_", " ")


def policy_entry(key: str, name: str, value: object) -> str:
    """One entry of a policy's weights or recommendations: `revenue 30`, `A maintain`."""
    if key == "weights":
        return f"{label('indicator', name)} {value}"
    if key == "recommendations":
        return f"{name} {label('recommendation', value)}"
    return f"{name} {value}"


def distribution_key(part: str, value: str) -> str:
    """A value a distribution counts: a class or stage by its label, a grade as itself."""
    if value == "none":
        return _("none")
    kind = {"value_class": "level", "frequency_class": "level", "lifecycle_stage": "stage"}
    return label(kind[part], value) if part in kind else value

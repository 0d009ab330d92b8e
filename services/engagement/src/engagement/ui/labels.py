"""What the pages show for the domain's machine values (states, origins, channels, outcomes...),
in the reader's language: English here, marked with `N_`, translated where shown by `label`.

A value with no entry shows as itself, its underscores as spaces (a holiday an administrator
named, a value a newer version added).
"""

from datetime import date

from chassis.i18n import N_, _, day, weekday

LABELS: dict[str, dict[str, str]] = {
    "state": {
        "planned": N_("planned"),
        "confirmed": N_("confirmed"),
        "done": N_("done"),
        "missed": N_("missed"),
        "rescheduled": N_("rescheduled"),
        "cancelled": N_("cancelled"),
    },
    "kind": {
        "visit": N_("visit"),
        "call": N_("call"),
        "care_touch": N_("care touch"),
        "follow_up": N_("follow-up"),
    },
    "origin": {
        "cadence": N_("cadence"),
        "first_order_3d": N_("first order +3 days"),
        "first_order_3w": N_("first order +3 weeks"),
        "first_order_3m": N_("first order +3 months"),
        "complaint_follow_up": N_("complaint follow-up"),
        "retention": N_("retention"),
        "win_back": N_("win back"),
        "birthday": N_("birthday"),
        "anniversary": N_("anniversary"),
        "holiday": N_("holiday greeting"),
        "annual_meeting": N_("annual customer meeting"),
        "next_step": N_("next step"),
        "manual": N_("manual"),
    },
    "channel": {
        "phone": N_("phone"),
        "email": N_("email"),
        "on_site": N_("on site"),
        "video": N_("video call"),
    },
    "outcome": {
        "order_placed": N_("order placed"),
        "opportunity": N_("opportunity"),
        "information": N_("information"),
        "issue_raised": N_("issue raised"),
        "no_interest": N_("no interest"),
        "not_reached": N_("not reached"),
    },
    # What a satisfaction answer came after.
    "context": {
        "visit": N_("visit"),
        "complaint": N_("complaint"),
        "survey": N_("survey"),
    },
    "reschedule_reason": {
        "customer_unavailable": N_("customer unavailable"),
        "customer_request": N_("customer's request"),
        "manager_unavailable": N_("manager unavailable"),
        "merged": N_("merged"),
        "replanned": N_("re-planned"),
        "other": N_("other"),
    },
    "cancel_reason": {
        "customer_cancelled": N_("customer cancelled"),
        "replanned": N_("re-planned"),
        "merged": N_("merged"),
        "account_closed": N_("account closed"),
        "other": N_("other"),
    },
    # The default calendar's public holidays (engagement.domain.calendar), the names of their
    # greetings' notes.
    "holiday": {
        "New Year's Day": N_("New Year's Day"),
        "Spring Festival": N_("Spring Festival"),
        "Qingming Festival": N_("Qingming Festival"),
        "Labour Day": N_("Labour Day"),
        "Dragon Boat Festival": N_("Dragon Boat Festival"),
        "Mid-Autumn Festival": N_("Mid-Autumn Festival"),
        "National Day": N_("National Day"),
    },
}

# The boards' sections, in their order (engagement.service_layer.views spells the keys).
SECTIONS = (
    ("overdue", N_("Overdue")),
    ("today", N_("Today")),
    ("tomorrow", N_("Tomorrow")),
    ("this_week", N_("Rest of this week")),
)


def label(kind: str, value: object) -> str:
    """`value` of `kind` in the current language (the value itself when it has no label)."""
    if value is None or value == "":
        return "—"
    english = LABELS[kind].get(str(value))
    return _(english) if english else str(value).replace("_", " ")


def note_of(item: dict[str, object]) -> str:
    """An item's note: a holiday greeting's note is its holiday's name, in the reader's
    language; a person's note as written."""
    note = str(item.get("note") or "")
    return label("holiday", note) if item.get("origin") == "holiday" and note else note


def board_day(value: date | None) -> str:
    """A day on a board, with its weekday: `Thu, Dec 3, 2026` / `2026年12月3日 周四`."""
    if value is None:
        return "—"
    return _("%(weekday)s, %(day)s") % {
        "weekday": weekday(value, "abbreviated"),
        "day": day(value),
    }


def month_name(value: date) -> str:
    """A month and its year: `December 2026` / `2026年12月`."""
    # The locale's pattern of a month and year, in CLDR date pattern letters.
    return day(value, _("MMMM y"))

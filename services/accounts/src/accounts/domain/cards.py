"""The relationship card (the handbook's customer relationship card) and its rules.

One card per account: contacts, preferences, important dates and purpose-bound notes. Every
saved change is a new version holding the whole card, so the card can be read as of any date;
`card_changes` says what a version changed. A card not reviewed in time is stale.
"""

import re
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from chassis.errors import Problem

CHANNELS = ("", "phone", "email", "wechat", "sms", "visit")
PRICE_SENSITIVITIES = ("", "low", "medium", "high")
MAX_CONTACTS = 50
MAX_ITEMS = 100
EARLIEST_DATE = date(1900, 1, 1)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9(][0-9 ()\-]*$")


@dataclass(frozen=True)
class Contact:
    contact_id: str
    name: str
    position: str = ""
    work_unit: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    birthday: date | None = None
    preferred_channel: str = ""
    # Best time to call (handbook: 11:00-12:00 and 16:00-17:00 work best).
    call_window_start: time | None = None
    call_window_end: time | None = None


@dataclass(frozen=True)
class Preferences:
    product_categories: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    price_sensitivity: str = ""
    payment_habits: str = ""
    delivery_habits: str = ""


@dataclass(frozen=True)
class ImportantDate:
    date_id: str
    label: str
    on: date
    recurring: bool = True


@dataclass(frozen=True)
class Note:
    """A personal note kept minimal and purpose-bound: why it is recorded is part of it."""

    note_id: str
    text: str
    purpose: str
    written_by: str
    written_at: datetime


@dataclass(frozen=True)
class Card:
    contacts: tuple[Contact, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    important_dates: tuple[ImportantDate, ...] = ()
    notes: tuple[Note, ...] = ()


@dataclass(frozen=True, order=True)
class KeyDate:
    """A yearly date the card holds, without a year, a name or a label: a contact's birthday
    (`reference` is the contact id) or a recurring card date such as the company anniversary
    (`reference` is the date id). Ids are given once and kept by every later version."""

    reference: str
    kind: Literal["birthday", "anniversary"]
    month: int
    day: int


@dataclass(frozen=True)
class Change:
    """One difference between two versions: section, item (a name or label), field, values."""

    section: str
    item: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class CardPolicy:
    stale_days: int = 180
    key_account_stale_days: int = 90


# --- validation -------------------------------------------------------------------------------


def _length(problems: list[Problem], path: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(Problem(path, f"at most {limit} characters"))


def phone_problem(phone: str) -> str | None:
    if not phone:
        return None
    digits = sum(character.isdigit() for character in phone)
    if not _PHONE.match(phone) or not 6 <= digits <= 15:
        return "not a phone number: 6 to 15 digits with spaces, dashes or brackets and an optional leading +, e.g. +86 21 5555 0101"
    return None


def email_problem(email: str) -> str | None:
    if email and not _EMAIL.match(email):
        return "not an email address, e.g. li.wei@example.com"
    return None


def _contact_problems(contact: Contact, path: str, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if not contact.name.strip():
        problems.append(Problem(f"{path}.name", "a contact needs a name"))
    for name, limit in (
        ("name", 100),
        ("position", 100),
        ("work_unit", 200),
        ("address", 300),
        ("email", 200),
        ("phone", 40),
    ):
        _length(problems, f"{path}.{name}", getattr(contact, name), limit)
    for name, problem in (
        ("phone", phone_problem(contact.phone)),
        ("email", email_problem(contact.email)),
    ):
        if problem:
            problems.append(Problem(f"{path}.{name}", problem))
    if contact.birthday is not None:
        if contact.birthday > today:
            problems.append(Problem(f"{path}.birthday", "a birthday cannot be in the future"))
        elif contact.birthday < EARLIEST_DATE:
            problems.append(Problem(f"{path}.birthday", "a birthday before 1900 is not plausible"))
    if contact.preferred_channel not in CHANNELS:
        problems.append(
            Problem(f"{path}.preferred_channel", f"one of {', '.join(c for c in CHANNELS if c)}")
        )
    start, end = contact.call_window_start, contact.call_window_end
    if (start is None) != (end is None):
        problems.append(Problem(f"{path}.call_window_end", "give both ends of the call window"))
    elif start is not None and end is not None and start >= end:
        problems.append(
            Problem(f"{path}.call_window_end", "the call window must end after it starts")
        )
    return problems


def card_problems(card: Card, today: date) -> list[Problem]:
    """Every rule the card breaks, each with its field path (e.g. `contacts.1.email`)."""
    problems: list[Problem] = []
    if len(card.contacts) > MAX_CONTACTS:
        problems.append(Problem("contacts", f"at most {MAX_CONTACTS} contacts"))
    for index, contact in enumerate(card.contacts):
        problems += _contact_problems(contact, f"contacts.{index}", today)
    preferences = card.preferences
    if preferences.price_sensitivity not in PRICE_SENSITIVITIES:
        problems.append(Problem("preferences.price_sensitivity", "one of low, medium, high"))
    for name in ("product_categories", "brands"):
        values = getattr(preferences, name)
        if len(values) > MAX_ITEMS or any(len(value) > 100 for value in values):
            problems.append(Problem(f"preferences.{name}", "at most 100 entries of 100 characters"))
    for name in ("payment_habits", "delivery_habits"):
        _length(problems, f"preferences.{name}", getattr(preferences, name), 500)
    if len(card.important_dates) > MAX_ITEMS:
        problems.append(Problem("important_dates", f"at most {MAX_ITEMS} important dates"))
    for index, important in enumerate(card.important_dates):
        path = f"important_dates.{index}"
        if not important.label.strip():
            problems.append(Problem(f"{path}.label", "an important date needs a label"))
        _length(problems, f"{path}.label", important.label, 100)
        if important.on < EARLIEST_DATE:
            problems.append(Problem(f"{path}.on", "a date before 1900 is not plausible"))
    for index, note in enumerate(card.notes):
        path = f"notes.{index}"
        if not note.text.strip():
            problems.append(Problem(f"{path}.text", "a note needs text"))
        if not note.purpose.strip():
            problems.append(Problem(f"{path}.purpose", "say why this note is kept (privacy)"))
        _length(problems, f"{path}.text", note.text, 2000)
        _length(problems, f"{path}.purpose", note.purpose, 200)
    for section, ids in (
        ("contacts", [c.contact_id for c in card.contacts]),
        ("important_dates", [d.date_id for d in card.important_dates]),
        ("notes", [n.note_id for n in card.notes]),
    ):
        if len(ids) != len(set(ids)):
            problems.append(Problem(section, "the same id appears twice"))
    return problems


# --- history ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _item_changes(
    section: str, before: dict[str, Any], after: dict[str, Any], label: str, skip: tuple[str, ...]
) -> list[Change]:
    changes: list[Change] = []
    for key in before.keys() - after.keys():
        changes.append(
            Change(section, _text(getattr(before[key], label)), "", "present", "removed")
        )
    for key, item in after.items():
        name = _text(getattr(item, label))
        if key not in before:
            changes.append(Change(section, name, "", "", "added"))
            continue
        for spec in fields(item):
            old, new = getattr(before[key], spec.name), getattr(item, spec.name)
            if spec.name not in skip and old != new:
                changes.append(Change(section, name, spec.name, _text(old), _text(new)))
    return changes


def card_changes(before: Card, after: Card) -> list[Change]:
    """What changed from one version to the next, field by field."""
    changes = _item_changes(
        "contacts",
        {c.contact_id: c for c in before.contacts},
        {c.contact_id: c for c in after.contacts},
        "name",
        ("contact_id",),
    )
    for spec in fields(Preferences):
        old = getattr(before.preferences, spec.name)
        new = getattr(after.preferences, spec.name)
        if old != new:
            changes.append(Change("preferences", "", spec.name, _text(old), _text(new)))
    changes += _item_changes(
        "important_dates",
        {d.date_id: d for d in before.important_dates},
        {d.date_id: d for d in after.important_dates},
        "label",
        ("date_id",),
    )
    changes += _item_changes(
        "notes",
        {n.note_id: n for n in before.notes},
        {n.note_id: n for n in after.notes},
        "purpose",
        ("note_id", "written_by", "written_at"),
    )
    return changes


# --- key dates ------------------------------------------------------------------------------


def key_dates(card: Card) -> tuple[KeyDate, ...]:
    """The card's yearly dates, in a stable order: contacts' birthdays and its recurring
    important dates (the company anniversary, the customer's own days)."""
    found = [
        KeyDate(contact.contact_id, "birthday", contact.birthday.month, contact.birthday.day)
        for contact in card.contacts
        if contact.birthday is not None
    ]
    found += [
        KeyDate(important.date_id, "anniversary", important.on.month, important.on.day)
        for important in card.important_dates
        if important.recurring
    ]
    return tuple(sorted(found))


def key_dates_change(before: Card, after: Card) -> tuple[KeyDate, ...] | None:
    """The new set of yearly dates when it differs from the old one, else None. A new year of
    birth, a renamed contact or a relabelled date changes no yearly date."""
    new = key_dates(after)
    return new if new != key_dates(before) else None


# --- staleness --------------------------------------------------------------------------------


def is_key_account(*, vip: bool, grade: str | None) -> bool:
    """Key accounts (tier A and VIP) have their cards reviewed more often (DOMAIN.md §1)."""
    return vip or grade == "A"


def stale_after(key_account: bool, policy: CardPolicy) -> timedelta:
    """Key accounts (tier A or VIP) are reviewed more often."""
    return timedelta(days=policy.key_account_stale_days if key_account else policy.stale_days)


def stale_at(last_reviewed_at: datetime, key_account: bool, policy: CardPolicy) -> datetime:
    return last_reviewed_at + stale_after(key_account, policy)


# --- stored form ------------------------------------------------------------------------------


def card_to_document(card: Card) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        if isinstance(value, date | time | datetime):
            return value.isoformat()
        return value

    document: dict[str, Any] = plain(asdict(card))
    return document


def _optional(parse: Any, value: Any) -> Any:
    return parse(value) if value else None


def card_from_document(document: dict[str, Any]) -> Card:
    preferences = document.get("preferences") or {}
    return Card(
        contacts=tuple(
            Contact(
                **{
                    **contact,
                    "birthday": _optional(date.fromisoformat, contact.get("birthday")),
                    "call_window_start": _optional(
                        time.fromisoformat, contact.get("call_window_start")
                    ),
                    "call_window_end": _optional(
                        time.fromisoformat, contact.get("call_window_end")
                    ),
                }
            )
            for contact in document.get("contacts", [])
        ),
        preferences=Preferences(
            product_categories=tuple(preferences.get("product_categories", ())),
            brands=tuple(preferences.get("brands", ())),
            price_sensitivity=preferences.get("price_sensitivity", ""),
            payment_habits=preferences.get("payment_habits", ""),
            delivery_habits=preferences.get("delivery_habits", ""),
        ),
        important_dates=tuple(
            ImportantDate(
                date_id=item["date_id"],
                label=item["label"],
                on=date.fromisoformat(item["on"]),
                recurring=item.get("recurring", True),
            )
            for item in document.get("important_dates", [])
        ),
        notes=tuple(
            Note(**{**note, "written_at": datetime.fromisoformat(note["written_at"])})
            for note in document.get("notes", [])
        ),
    )


def changed_sections(changes: list[Change]) -> list[str]:
    return sorted({change.section for change in changes})

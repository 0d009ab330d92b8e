"""Privacy of the cards' contacts (DOMAIN.md §5): consent to marketing contact, erasure.

A contact's consent is a history of records (given or withdrawn, when, how, by whom); the last
one is in force. An erasure anonymises a contact, or every contact of an account, in every
version of the card: the facts (that there was a contact, who read the card when) stay, the
personal data does not.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from accounts.domain.cards import Card, Contact
from chassis.errors import Problem

ConsentState = Literal["given", "withdrawn"]
CONSENT_STATES: tuple[ConsentState, ...] = ("given", "withdrawn")
# How the customer said so. "card" marks the consents folded in from the card's old checkbox.
CONSENT_CHANNELS = ("form", "email", "phone", "in_person", "card")
ERASED = "(erased)"


@dataclass(frozen=True)
class Consent:
    account_id: str
    contact_id: str
    state: ConsentState
    channel: str
    recorded_by: str
    recorded_at: datetime
    note: str = ""


def consent_problems(state: str, channel: str, note: str) -> list[Problem]:
    problems = []
    if state not in CONSENT_STATES:
        problems.append(Problem("state", "one of given, withdrawn"))
    if channel not in CONSENT_CHANNELS or channel == "card":
        problems.append(Problem("channel", "one of form, email, phone, in_person"))
    if len(note) > 500:
        problems.append(Problem("note", "at most 500 characters"))
    return problems


@dataclass(frozen=True)
class PrivacyRules:
    """Erasure settings: the services that report each erasure done, and the dormant accounts
    sweep (accounts dormant, without an order or a registration, for longer than `dormant_after`
    are erased; the sweep runs every `sweep_every`, `sweep_batch` accounts per transaction)."""

    services: tuple[str, ...] = ("engagement", "complaints", "reporting")
    dormant_after: timedelta = timedelta(days=730)
    sweep_every: timedelta = timedelta(hours=24)
    sweep_batch: int = 200


ErasureScope = Literal["contact", "account"]
ErasureReason = Literal["request", "dormant"]


@dataclass(frozen=True)
class Erasure:
    """A request to erase one contact (`scope` contact) or every contact of an account."""

    erasure_id: str
    account_id: str
    scope: ErasureScope
    contact_ids: tuple[str, ...]
    reason: ErasureReason
    why: str
    requested_by: str
    requested_at: datetime


def _erased(contact: Contact) -> Contact:
    """The contact with nothing left that says who they are; the id stays (the reference)."""
    return replace(
        contact,
        name=ERASED,
        position="",
        work_unit="",
        phone="",
        email="",
        address="",
        birthday=None,
        preferred_channel="",
        call_window_start=None,
        call_window_end=None,
    )


def _names_any(text: str, names: frozenset[str]) -> bool:
    folded = text.casefold()
    return any(name.casefold() in folded for name in names if name.strip())


def anonymised(card: Card, contact_ids: frozenset[str] | None, names: frozenset[str]) -> Card:
    """The card with these contacts erased, and every note naming one of them (`names`: every
    name they had); None: every contact and every note (notes about an account speak of its
    people)."""
    contacts = tuple(
        _erased(c) if contact_ids is None or c.contact_id in contact_ids else c
        for c in card.contacts
    )
    notes = tuple(
        replace(n, text=ERASED) if contact_ids is None or _names_any(n.text, names) else n
        for n in card.notes
    )
    return replace(card, contacts=contacts, notes=notes)


def anonymised_changes(
    changes: list[dict[str, Any]], contact_ids: frozenset[str] | None, names: frozenset[str]
) -> list[dict[str, Any]]:
    """A version's recorded changes without the erased contacts' values: the change stays (a
    contact's phone changed), its values go; so do a note's that names one of them. None:
    every contact's and note's."""

    def erased(change: dict[str, Any]) -> bool:
        if contact_ids is None:
            return change["section"] in ("contacts", "notes")
        if change["section"] == "contacts":
            return bool(change["item"] in names)
        return change["section"] == "notes" and _names_any(
            f"{change['before']} {change['after']}", names
        )

    return [
        {**change, "item": ERASED, "before": "", "after": ""} if erased(change) else change
        for change in changes
    ]


def contact_names(card: Card, contact_ids: frozenset[str] | None) -> set[str]:
    """The names these contacts have in this version of the card (their history's items)."""
    return {c.name for c in card.contacts if contact_ids is None or c.contact_id in contact_ids}

"""The privacy rules of the domain: what an erasure leaves of a card and of its history, which
consent is in force, what a consent record may say."""

from datetime import UTC, date, datetime

from accounts.domain.cards import Card, Contact, Note
from accounts.domain.privacy import (
    ERASED,
    anonymised,
    anonymised_changes,
    consent_problems,
    contact_names,
)
from accounts.service_layer.privacy import current_consents

AT = datetime(2026, 12, 1, tzinfo=UTC)
LI = Contact("c1", "Li Wei", position="Buyer", phone="+86 21 5555 0101", birthday=date(1980, 5, 17))
WU = Contact("c2", "Wu Hao", phone="+86 21 5555 0202")
CARD = Card(
    contacts=(LI, WU),
    notes=(
        Note("n1", "li wei prefers short calls", "call planning", "AM-01", AT),
        Note("n2", "Orders before the holidays", "planning", "AM-01", AT),
    ),
)


def test_erasing_a_contact_keeps_its_reference_and_the_others_and_drops_notes_naming_it() -> None:
    only = frozenset({"c1"})
    card = anonymised(CARD, only, frozenset(contact_names(CARD, only)))
    erased, kept = card.contacts
    assert (erased.contact_id, erased.name, erased.phone, erased.birthday) == (
        "c1",
        ERASED,
        "",
        None,
    )
    assert erased.position == ""
    assert kept == WU
    assert [n.text for n in card.notes] == [ERASED, "Orders before the holidays"]


def test_erasing_an_account_erases_every_contact_and_note() -> None:
    card = anonymised(CARD, None, frozenset(contact_names(CARD, None)))
    assert [c.name for c in card.contacts] == [ERASED, ERASED]
    assert [c.contact_id for c in card.contacts] == ["c1", "c2"]
    assert {n.text for n in card.notes} == {ERASED}


def test_recorded_changes_keep_the_fact_and_lose_the_erased_values() -> None:
    changes = [
        {"section": "contacts", "item": "Li Wei", "field": "phone", "before": "1", "after": "2"},
        {"section": "contacts", "item": "Wu Hao", "field": "phone", "before": "3", "after": "4"},
        {
            "section": "notes",
            "item": "call planning",
            "field": "text",
            "before": "",
            "after": "Li Wei prefers short calls",
        },
        {"section": "preferences", "item": "", "field": "brands", "before": "", "after": "X"},
    ]
    kept = anonymised_changes(changes, frozenset({"c1"}), frozenset({"Li Wei"}))
    assert kept[0] == {
        "section": "contacts",
        "item": ERASED,
        "field": "phone",
        "before": "",
        "after": "",
    }
    assert kept[1] == changes[1] and kept[3] == changes[3]
    assert kept[2]["after"] == "" and kept[2]["field"] == "text"
    everything = anonymised_changes(changes, None, frozenset())
    assert [c["item"] for c in everything] == [ERASED, ERASED, ERASED, ""]


def test_the_newest_record_of_each_contact_is_in_force() -> None:
    records = [
        {"contact_id": "c1", "state": "withdrawn"},
        {"contact_id": "c2", "state": "given"},
        {"contact_id": "c1", "state": "given"},
    ]
    assert {k: v["state"] for k, v in current_consents(records).items()} == {
        "c1": "withdrawn",
        "c2": "given",
    }


def test_a_consent_record_names_a_state_and_how_it_was_given() -> None:
    assert consent_problems("given", "form", "") == []
    fields = [p.field for p in consent_problems("maybe", "card", "x" * 501)]
    assert fields == ["state", "channel", "note"]

"""Relationship cards: validation with field paths, change history, key dates, staleness."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from accounts.domain.cards import (
    Card,
    CardPolicy,
    Contact,
    ImportantDate,
    KeyDate,
    Note,
    Preferences,
    card_changes,
    card_from_document,
    card_problems,
    card_to_document,
    key_dates,
    key_dates_change,
    stale_at,
)

TODAY = date(2026, 11, 24)
WRITTEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

LI = Contact(
    contact_id="c1",
    name="Li Wei",
    position="Purchasing manager",
    phone="+86 21 5555 0101",
    email="li.wei@example.com",
    birthday=date(1980, 5, 17),
    preferred_channel="phone",
    call_window_start=time(11, 0),
    call_window_end=time(12, 0),
)
CARD = Card(
    contacts=(LI,),
    preferences=Preferences(product_categories=("skincare",), price_sensitivity="high"),
    important_dates=(ImportantDate("d1", "Company anniversary", date(2008, 3, 1)),),
    notes=(Note("n1", "Prefers short calls", "call planning", "AM-01", WRITTEN),),
)


def problems(card: Card) -> dict[str, str]:
    return {p.field: p.message for p in card_problems(card, TODAY)}


def with_contact(**changes: object) -> Card:
    return Card(contacts=(Contact(**{**LI.__dict__, **changes}),))  # type: ignore[arg-type]


def test_a_complete_card_is_valid() -> None:
    assert problems(CARD) == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "call me"}, "contacts.0.phone"),
        ({"phone": "12345"}, "contacts.0.phone"),  # too few digits
        ({"phone": "+86 21 5555 0101 5555 01"}, "contacts.0.phone"),  # too many
        ({"email": "li.wei@"}, "contacts.0.email"),
        ({"email": "li wei@example.com"}, "contacts.0.email"),
        ({"birthday": date(2026, 11, 25)}, "contacts.0.birthday"),
        ({"birthday": date(1899, 12, 31)}, "contacts.0.birthday"),
        ({"name": "  "}, "contacts.0.name"),
        ({"preferred_channel": "pigeon"}, "contacts.0.preferred_channel"),
        ({"call_window_end": time(10, 0)}, "contacts.0.call_window_end"),
        ({"call_window_end": None}, "contacts.0.call_window_end"),
    ],
)
def test_invalid_contact_fields_are_named(changes: dict[str, object], field: str) -> None:
    assert field in problems(with_contact(**changes))


@pytest.mark.parametrize("phone", ["+86 21 5555 0101", "021-5555-0101", "(021) 555501", "138001"])
def test_plausible_phone_numbers_pass(phone: str) -> None:
    assert problems(with_contact(phone=phone)) == {}


def test_a_birthday_today_is_fine() -> None:
    assert problems(with_contact(birthday=TODAY)) == {}


def test_notes_need_a_purpose_and_dates_a_label() -> None:
    card = Card(
        important_dates=(ImportantDate("d1", "", date(2020, 1, 1)),),
        notes=(Note("n1", "Likes golf", " ", "AM-01", WRITTEN),),
    )
    assert set(problems(card)) == {"important_dates.0.label", "notes.0.purpose"}


def test_changes_name_section_item_field_and_values() -> None:
    after = Card(
        contacts=(
            Contact(**{**LI.__dict__, "phone": "+86 21 5555 0199"}),  # type: ignore[arg-type]
            Contact("c2", "Zhang Min"),
        ),
        preferences=Preferences(product_categories=("skincare", "haircare")),
        notes=(),
    )
    changes = [(c.section, c.item, c.field, c.before, c.after) for c in card_changes(CARD, after)]
    assert ("contacts", "Li Wei", "phone", "+86 21 5555 0101", "+86 21 5555 0199") in changes
    assert ("contacts", "Zhang Min", "", "", "added") in changes
    assert ("preferences", "", "product_categories", "skincare", "skincare, haircare") in changes
    assert ("preferences", "", "price_sensitivity", "high", "") in changes
    assert ("important_dates", "Company anniversary", "", "present", "removed") in changes
    assert ("notes", "call planning", "", "present", "removed") in changes
    assert card_changes(CARD, CARD) == []


def test_the_stored_document_round_trips() -> None:
    assert card_from_document(card_to_document(CARD)) == CARD


def test_key_dates_are_contacts_birthdays_and_recurring_card_dates() -> None:
    card = replace(
        CARD,
        contacts=(LI, Contact("c2", "Zhang Min")),
        important_dates=(
            *CARD.important_dates,
            ImportantDate("d2", "Trade fair", date(2026, 9, 14), recurring=False),
        ),
    )
    assert key_dates(card) == (
        KeyDate("c1", "birthday", 5, 17),
        KeyDate("d1", "anniversary", 3, 1),
    )


@pytest.mark.parametrize(
    "after",
    [
        pytest.param(replace(CARD, contacts=(replace(LI, name="Li Wei-Ming"),)), id="renamed"),
        pytest.param(
            replace(CARD, contacts=(replace(LI, birthday=date(1981, 5, 17)),)), id="birth year"
        ),
        pytest.param(
            replace(CARD, important_dates=(ImportantDate("d1", "Founded", date(2009, 3, 1)),)),
            id="relabelled, another year",
        ),
        pytest.param(
            replace(CARD, contacts=(replace(LI, phone="+86 21 5555 0199"),), notes=()),
            id="other fields",
        ),
        pytest.param(
            replace(
                CARD, contacts=(*CARD.contacts, Contact("c2", "Zhang Min", phone="13800000000"))
            ),
            id="a contact without a birthday",
        ),
    ],
)
def test_changes_that_move_no_yearly_date_change_no_key_date(after: Card) -> None:
    assert card_changes(CARD, after) != []
    assert key_dates_change(CARD, after) is None


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        pytest.param(
            replace(CARD, contacts=(replace(LI, birthday=date(1980, 5, 18)),)),
            {KeyDate("c1", "birthday", 5, 18), KeyDate("d1", "anniversary", 3, 1)},
            id="birthday moved",
        ),
        pytest.param(
            replace(CARD, contacts=()),
            {KeyDate("d1", "anniversary", 3, 1)},
            id="contact removed",
        ),
        pytest.param(
            replace(CARD, important_dates=(replace(CARD.important_dates[0], recurring=False),)),
            {KeyDate("c1", "birthday", 5, 17)},
            id="no longer yearly",
        ),
        pytest.param(
            replace(CARD, contacts=(replace(LI, contact_id="c9"),)),
            {KeyDate("c9", "birthday", 5, 17), KeyDate("d1", "anniversary", 3, 1)},
            id="another contact",
        ),
        pytest.param(Card(), set(), id="everything removed"),
    ],
)
def test_a_moved_added_or_removed_yearly_date_gives_the_whole_new_set(
    after: Card, expected: set[KeyDate]
) -> None:
    change = key_dates_change(CARD, after)
    assert change is not None
    assert set(change) == expected


def test_a_card_is_stale_after_180_days_or_90_for_key_accounts() -> None:
    reviewed = datetime(2026, 1, 1, tzinfo=UTC)
    policy = CardPolicy()
    assert stale_at(reviewed, False, policy) == reviewed + timedelta(days=180)
    assert stale_at(reviewed, True, policy) == reviewed + timedelta(days=90)
    assert stale_at(reviewed, False, CardPolicy(stale_days=30)) == reviewed + timedelta(days=30)

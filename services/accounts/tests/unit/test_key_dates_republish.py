"""The one-off republish of key dates for cards saved before AccountKeyDatesChanged existed,
on the in-memory unit of work: each queued card publishes its current yearly dates once."""

from datetime import UTC, date, datetime

from accounts.domain import events
from accounts.domain.cards import Card, Contact, ImportantDate, KeyDate, card_to_document
from accounts.service_layer.cards import republish_key_dates
from services.accounts.tests.unit.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
WITH_DATES = Card(
    contacts=(Contact("ct1", "Li Wei", birthday=date(1980, 5, 17)),),
    important_dates=(
        ImportantDate("d1", "Founded", date(2008, 3, 1)),
        ImportantDate("d2", "Trade fair", date(2026, 9, 14), recurring=False),
    ),
)
WITHOUT_DATES = Card(contacts=(Contact("ct2", "Wang Fang"),))


def with_cards(**cards: Card) -> FakeUnitOfWork:
    """A unit of work whose store holds these cards (version 3), all queued."""
    uow = FakeUnitOfWork()
    for account_id, card in cards.items():
        uow.store.cards[account_id] = [{"version": 3, "content": card_to_document(card)}]
    uow.store.key_dates_queue = set(cards)
    return uow


async def test_each_queued_card_with_yearly_dates_publishes_them_once() -> None:
    uow = with_cards(C1=WITH_DATES, C2=WITHOUT_DATES, C3=WITH_DATES)
    # C4 is queued but has no card any more: nothing to publish.
    uow.store.key_dates_queue.add("C4")

    assert await republish_key_dates(uow=uow, now=NOW, limit=2) == 2
    assert await republish_key_dates(uow=uow, now=NOW, limit=2) == 2
    assert await republish_key_dates(uow=uow, now=NOW, limit=2) == 0

    published = [event for event in uow.events if isinstance(event, events.KeyDatesChanged)]
    assert [(event.account_id, event.version, event.at) for event in published] == [
        ("C1", 3, NOW),
        ("C3", 3, NOW),
    ]
    assert published[0].key_dates == (
        KeyDate("ct1", "birthday", 5, 17),
        KeyDate("d1", "anniversary", 3, 1),
    )
    assert len(uow.events) == 2
    assert uow.store.key_dates_queue == set()

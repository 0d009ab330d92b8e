"""Service-layer handlers on the in-memory unit of work: no Kafka, no PostgreSQL."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.adapters.published import to_contract
from accounts.domain import events, timers
from accounts.domain.cards import CardPolicy, Contact, ImportantDate, Preferences
from accounts.domain.lifecycle import LifecyclePolicy
from accounts.domain.tier_policy import TierPolicy
from accounts.domain.vip import Actor
from accounts.service_layer.cards import review_card, save_card
from accounts.service_layer.commands import (
    DecideVip,
    NominateVip,
    ReviewCard,
    SaveCard,
    SubmittedCard,
)
from accounts.service_layer.erp_ingest import ingest_erp_events
from accounts.service_layer.evaluation import EvaluationRules
from accounts.service_layer.signals import ingest_signals
from accounts.service_layer.vip import decide_vip, nominate_vip
from chassis.clock import FixedClock
from chassis.errors import Forbidden
from chassis.kafka import ReceivedEvent
from contracts import accounts_v1
from contracts.complaints_v1 import TicketFiled
from contracts.envelope import CloudEvent, EventData
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced
from services.accounts.tests.unit.fakes import FakeUnitOfWork, account_row

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RULES = EvaluationRules(
    currency="EUR",
    default_policy=TierPolicy(version=1),
    lifecycle=LifecyclePolicy(),
    cards=CardPolicy(),
    recent_orders=10,
    abc_refresh_delay=timedelta(minutes=5),
    chunk_size=500,
)
CONSUMER = "accounts.erp"
MANAGER = Actor("AM-01", "manager")
SUPERVISOR = Actor("SUP-01", "supervisor")


def received(*data: EventData) -> list[ReceivedEvent]:
    return [
        ReceivedEvent(
            envelope=CloudEvent.wrap(d, source="erp"), data=d, topic="erp", partition=0, offset=n
        )
        for n, d in enumerate(data)
    ]


def customer(name: str = "Acme", at: datetime = NOW - 2 * DAY) -> CustomerUpserted:
    return CustomerUpserted(
        customer_id="C-1",
        name=name,
        region="North",
        country="DE",
        segment="retail",
        address="Hauptstr. 1",
        account_manager="AM-01",
        updated_at=at,
    )


def order(order_id: str, total: str, days_ago: int) -> OrderPlaced:
    return OrderPlaced(
        order_id=order_id,
        customer_id="C-1",
        placed_at=NOW - days_ago * DAY,
        currency="EUR",
        total=total,
    )


async def ingest(uow: FakeUnitOfWork, *data: EventData) -> None:
    batch = received(*data)
    await ingest_erp_events(
        uow=uow,  # type: ignore[arg-type]
        consumer=CONSUMER,
        events=batch,
        rules=RULES,
        clock=FixedClock(NOW),
    )


async def test_erp_customer_and_orders_register_classify_and_start_the_lifecycle() -> None:
    uow = FakeUnitOfWork()

    await ingest(uow, order("O-1", "500.00", 20), customer(), order("O-2", "700.00", 5))

    kinds = [type(e) for e in uow.events]
    assert kinds == [events.AccountRegistered, events.TierChanged, events.LifecycleStageChanged]
    published = [to_contract(e) for e in uow.events]
    registered, classified, stage = published
    assert isinstance(registered, accounts_v1.AccountRegistered)
    assert (registered.account_id, registered.name, registered.registered_at) == (
        "C-1",
        "Acme",
        NOW,
    )
    assert isinstance(classified, accounts_v1.AccountClassified)
    assert classified.inputs.order_count_12m == 2
    assert classified.inputs.net_revenue_12m == Decimal("1200.00")
    assert classified.previous_value_class is None
    assert isinstance(stage, accounts_v1.AccountLifecycleChanged)
    assert (stage.previous_stage, stage.stage) == ("prospect", "new")
    row = uow.store.accounts["C-1"]
    assert (row["order_count_12m"], row["net_revenue_12m"]) == (2, Decimal("1200.00"))
    assert row["classified_at"] == NOW
    assert uow.store.timers[timers.ABC_KEY] == (timers.ABC, NOW + RULES.abc_refresh_delay)
    assert uow.store.timers[timers.evaluation_key("C-1")][0] == timers.EVALUATE
    assert uow.commits == 1


async def test_a_resent_batch_changes_nothing() -> None:
    uow = FakeUnitOfWork()
    batch = received(customer(), order("O-1", "500.00", 20))
    for _ in range(2):
        await ingest_erp_events(
            uow=uow,  # type: ignore[arg-type]
            consumer=CONSUMER,
            events=batch,
            rules=RULES,
            clock=FixedClock(NOW),
        )

    assert len(uow.events) == 3
    assert uow.commits == 1


async def test_changed_master_data_publishes_the_changed_fields_only() -> None:
    uow = FakeUnitOfWork()
    await ingest(uow, customer())
    uow.events.clear()

    await ingest(uow, customer(name="Acme GmbH", at=NOW - DAY))
    await ingest(uow, customer(name="Acme old", at=NOW - 3 * DAY))

    [updated] = uow.events
    assert isinstance(updated, events.AccountUpdated)
    assert updated.changed_fields == ["name"]
    contract = to_contract(updated)
    assert isinstance(contract, accounts_v1.AccountUpdated)
    assert (contract.name, contract.updated_by) == ("Acme GmbH", None)
    assert uow.store.accounts["C-1"]["name"] == "Acme GmbH"


async def test_a_cancelled_order_no_longer_counts() -> None:
    uow = FakeUnitOfWork()
    await ingest(uow, customer(), order("O-1", "500.00", 20), order("O-2", "700.00", 5))

    await ingest(uow, OrderCancelled(order_id="O-2", customer_id="C-1", cancelled_at=NOW - 4 * DAY))

    row = uow.store.accounts["C-1"]
    assert (row["order_count_12m"], row["net_revenue_12m"]) == (1, Decimal("500.00"))


async def test_vip_nomination_then_approval_makes_a_key_account() -> None:
    uow = FakeUnitOfWork()
    uow.store.accounts["C-1"] = account_row("C-1", registered_at=NOW - 30 * DAY)

    nomination_id = await nominate_vip(
        uow=uow,  # type: ignore[arg-type]
        command=NominateVip("C-1", "top customer", MANAGER),
        now=NOW,
    )
    await decide_vip(
        uow=uow,  # type: ignore[arg-type]
        command=DecideVip(nomination_id, True, SUPERVISOR, "agreed"),
        now=NOW + DAY,
        rules=RULES,
    )

    nominated, granted = (
        e for e in uow.events if isinstance(e, events.VipNominated | events.VipGranted)
    )
    assert isinstance(nominated, events.VipNominated)
    assert (nominated.nomination_id, nominated.by, nominated.reason) == (
        nomination_id,
        "AM-01",
        "top customer",
    )
    contract = to_contract(granted)
    assert isinstance(contract, accounts_v1.AccountVipGranted)
    assert (contract.nominated_by, contract.approved_by, contract.granted_at) == (
        "AM-01",
        "SUP-01",
        NOW + DAY,
    )
    assert uow.store.accounts["C-1"]["vip"] is True
    assert uow.store.nominations[nomination_id]["status"] == "approved"


async def test_a_manager_cannot_approve_and_nothing_is_published() -> None:
    uow = FakeUnitOfWork()
    uow.store.accounts["C-1"] = account_row("C-1", registered_at=NOW - 30 * DAY)
    nomination_id = await nominate_vip(
        uow=uow,  # type: ignore[arg-type]
        command=NominateVip("C-1", "top customer", MANAGER),
        now=NOW,
    )

    with pytest.raises(Forbidden):
        await decide_vip(
            uow=uow,  # type: ignore[arg-type]
            command=DecideVip(nomination_id, True, Actor("AM-02", "manager")),
            now=NOW,
            rules=RULES,
        )

    assert [type(e) for e in uow.events] == [events.VipNominated]
    assert uow.store.accounts["C-1"]["vip"] is False


async def test_a_card_review_clears_the_stale_flag() -> None:
    uow = FakeUnitOfWork()
    registered = NOW - 400 * DAY
    uow.store.accounts["C-1"] = account_row("C-1", registered_at=registered)
    await ingest(uow, order("O-1", "500.00", 20))
    assert uow.store.accounts["C-1"]["card_stale"] is True
    assert any(isinstance(e, events.CardFlaggedStale) for e in uow.events)
    uow.events.clear()

    await review_card(
        uow=uow,  # type: ignore[arg-type]
        command=ReviewCard("C-1", MANAGER, "checked"),
        now=NOW,
        rules=RULES,
    )

    assert uow.events[0] == events.CardReviewed(account_id="C-1", by="AM-01", at=NOW)
    contract = to_contract(uow.events[0])
    assert isinstance(contract, accounts_v1.AccountCardReviewed)
    row = uow.store.accounts["C-1"]
    assert (row["card_reviewed_at"], row["card_stale"]) == (NOW, False)


async def save(uow: FakeUnitOfWork, card: SubmittedCard, *, version: int) -> None:
    await save_card(
        uow=uow,  # type: ignore[arg-type]
        command=SaveCard("C-1", card, version, MANAGER),
        now=NOW,
        rules=RULES,
    )


def card_events(uow: FakeUnitOfWork) -> list[type]:
    return [
        type(e) for e in uow.events if isinstance(e, events.CardUpdated | events.KeyDatesChanged)
    ]


def key_date_events(uow: FakeUnitOfWork) -> list[events.KeyDatesChanged]:
    return [e for e in uow.events if isinstance(e, events.KeyDatesChanged)]


async def test_a_saved_card_publishes_its_key_dates_when_they_change_and_only_then() -> None:
    uow = FakeUnitOfWork()
    uow.store.accounts["C-1"] = account_row("C-1", registered_at=NOW - 400 * DAY)
    li = Contact("", "Li Wei", phone="+86 21 5555 0101", birthday=date(1980, 5, 17))
    founded = ImportantDate("", "Company anniversary", date(2008, 3, 1))
    await save(uow, SubmittedCard((li,), Preferences(), (founded,), ()), version=0)

    stored = uow.store.cards["C-1"][-1]["content"]
    contact_id = stored["contacts"][0]["contact_id"]
    date_id = stored["important_dates"][0]["date_id"]
    assert card_events(uow) == [events.CardUpdated, events.KeyDatesChanged]
    key_dates = to_contract(key_date_events(uow)[0])
    assert isinstance(key_dates, accounts_v1.AccountKeyDatesChanged)
    assert (key_dates.account_id, key_dates.card_version, key_dates.changed_at) == ("C-1", 1, NOW)
    assert sorted(key_dates.key_dates, key=lambda d: d.kind) == [
        accounts_v1.KeyDate(reference=date_id, kind="anniversary", month=3, day=1),
        accounts_v1.KeyDate(reference=contact_id, kind="birthday", month=5, day=17),
    ]
    assert not {"Li Wei", "Company anniversary", "1980"} & set(
        str(v) for v in key_dates.model_dump(mode="json").values()
    )

    # The same people and dates, a new phone number: the card changed, its key dates did not.
    uow.events.clear()
    li = replace(li, contact_id=contact_id, phone="+86 21 5555 0199")
    founded = replace(founded, date_id=date_id)
    await save(uow, SubmittedCard((li,), Preferences(), (founded,), ()), version=1)
    assert card_events(uow) == [events.CardUpdated]

    uow.events.clear()
    moved = replace(li, birthday=date(1980, 5, 18))
    await save(uow, SubmittedCard((moved,), Preferences(), (founded,), ()), version=2)
    assert card_events(uow) == [events.CardUpdated, events.KeyDatesChanged]
    (changed,) = key_date_events(uow)
    assert changed.version == 3
    assert {(d.reference, d.month, d.day) for d in changed.key_dates} == {
        (contact_id, 5, 18),
        (date_id, 3, 1),
    }


def ticket(ticket_id: str, filed_at: datetime) -> TicketFiled:
    return TicketFiled(
        ticket_id=ticket_id,
        account_id="C-1",
        channel="email",
        category="delivery",
        severity=2,
        policy_version=1,
        filed_by="AG-01",
        filed_at=filed_at,
    )


async def test_the_first_complaint_starts_the_feed_and_evaluates_every_account_once() -> None:
    uow = FakeUnitOfWork()
    await ingest(uow, customer(), order("O-1", "500.00", 20))

    for n in range(2):
        await ingest_signals(
            uow=uow,  # type: ignore[arg-type]
            consumer="accounts.signals",
            events=received(ticket(f"T-{n}", NOW - (2 - n) * DAY)),
            rules=RULES,
            clock=FixedClock(NOW + n * DAY),
        )

    assert uow.store.feeds == {"complaints": NOW - 2 * DAY}
    assert uow.store.timers[timers.EVALUATE_ALL_KEY] == (timers.EVALUATE_ALL, NOW)
    assert sorted(uow.store.complaints) == ["T-0", "T-1"]

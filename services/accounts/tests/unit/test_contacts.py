"""Last and next contact from engagement's plan events, on the in-memory unit of work."""

from datetime import UTC, date, datetime

from accounts.domain.contacts import NextContact
from accounts.service_layer.contacts import record_plan_events
from chassis.kafka import ReceivedEvent
from contracts import engagement_v1 as v1
from contracts.envelope import CloudEvent, EventData
from services.accounts.tests.unit.fakes import FakeUnitOfWork

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CONSUMER = "accounts.plan"


def received(*data: EventData | ReceivedEvent) -> list[ReceivedEvent]:
    return [
        d if isinstance(d, ReceivedEvent) else delivery(d, offset=n) for n, d in enumerate(data)
    ]


def delivery(data: EventData, *, offset: int = 0) -> ReceivedEvent:
    envelope = CloudEvent.wrap(data, source=v1.SOURCE)
    return ReceivedEvent(
        envelope=envelope, data=data, topic=v1.PLAN_TOPIC, partition=0, offset=offset
    )


def planned(item_id: str, due_on: date, kind: v1.ItemKind = "visit") -> v1.PlanItemPlanned:
    return v1.PlanItemPlanned(
        item_id=item_id,
        account_id="C-1",
        kind=kind,
        origin="cadence",
        due_on=due_on,
        window_start=due_on,
        window_end=due_on,
        planned_at=AT,
    )


def rescheduled(item_id: str, previous: date, due_on: date) -> v1.PlanItemRescheduled:
    return v1.PlanItemRescheduled(
        item_id=item_id,
        account_id="C-1",
        previous_due_on=previous,
        due_on=due_on,
        window_end=due_on,
        requested_by="customer",
        reason="customer_request",
        reschedule_count=1,
        account_reschedule_count=1,
        rescheduled_at=AT,
    )


def done(item_id: str, due_on: date) -> v1.PlanItemDone:
    return v1.PlanItemDone(
        item_id=item_id,
        account_id="C-1",
        kind="visit",
        origin="cadence",
        due_on=due_on,
        window_end=due_on,
        on_time=True,
        done_at=AT,
    )


def missed(item_id: str, due_on: date) -> v1.PlanItemMissed:
    return v1.PlanItemMissed(
        item_id=item_id,
        account_id="C-1",
        kind="visit",
        origin="cadence",
        due_on=due_on,
        window_end=due_on,
        missed_at=AT,
    )


def visit(visit_id: str, on: date, channel: v1.Channel) -> v1.VisitLogged:
    return v1.VisitLogged(
        visit_id=visit_id,
        account_id="C-1",
        manager="AM-01",
        occurred_on=on,
        channel=channel,
        duration_minutes=10,
        outcome="information",
        logged_at=AT,
    )


async def record(uow: FakeUnitOfWork, *data: EventData | ReceivedEvent) -> None:
    await record_plan_events(
        uow=uow,  # type: ignore[arg-type]
        consumer=CONSUMER,
        events=received(*data),
    )


def next_of(uow: FakeUnitOfWork) -> NextContact | None:
    contact: NextContact | None = uow.store.contacts["C-1"]["next_contact"]
    return contact


async def test_the_next_contact_is_the_earliest_open_item() -> None:
    uow = FakeUnitOfWork()
    await record(uow, planned("I-2", date(2026, 12, 14)), planned("I-1", date(2026, 12, 7), "call"))
    assert next_of(uow) == NextContact(date(2026, 12, 7), "call", "cadence")

    # Moved past the other one, then done: the other is next, then nothing is planned.
    await record(uow, rescheduled("I-1", date(2026, 12, 7), date(2026, 12, 21)))
    assert next_of(uow) == NextContact(date(2026, 12, 14), "visit", "cadence")
    await record(uow, done("I-2", date(2026, 12, 14)), done("I-1", date(2026, 12, 21)))
    assert next_of(uow) is None
    assert uow.store.plan_items == {}


async def test_a_whole_life_in_one_batch_folds_in_order() -> None:
    uow = FakeUnitOfWork()
    await record(
        uow,
        planned("I-1", date(2026, 12, 7)),
        rescheduled("I-1", date(2026, 12, 7), date(2026, 12, 9)),
        planned("I-2", date(2026, 12, 8)),
        done("I-2", date(2026, 12, 8)),
    )
    assert next_of(uow) == NextContact(date(2026, 12, 9), "visit", "cadence")
    assert set(uow.store.plan_items) == {"I-1"}


async def test_a_missed_item_is_not_next_until_it_is_moved_to_another_day() -> None:
    uow = FakeUnitOfWork()
    await record(uow, planned("I-1", date(2026, 12, 7)))
    await record(uow, missed("I-1", date(2026, 12, 7)))
    assert next_of(uow) is None

    await record(uow, rescheduled("I-1", date(2026, 12, 7), date(2026, 12, 10)))
    assert next_of(uow) == NextContact(date(2026, 12, 10), "visit", "cadence")


async def test_the_last_contact_is_the_latest_day_logged() -> None:
    uow = FakeUnitOfWork()
    await record(uow, visit("V-1", date(2026, 12, 3), "phone"))
    await record(uow, visit("V-2", date(2026, 12, 5), "on_site"))
    # Logged later for an earlier day: not the last contact.
    await record(uow, visit("V-3", date(2026, 12, 4), "email"))

    row = uow.store.contacts["C-1"]
    assert (row["last_contact_on"], row["last_contact_channel"]) == (date(2026, 12, 5), "on_site")


async def test_a_redelivered_event_counts_once() -> None:
    uow = FakeUnitOfWork()
    plan = delivery(planned("I-1", date(2026, 12, 7)))
    await record(uow, plan, done("I-1", date(2026, 12, 7)))
    await record(uow, plan)

    assert next_of(uow) is None
    assert uow.store.plan_items == {}
    assert uow.commits == 1


async def test_reassignments_alone_touch_nothing() -> None:
    uow = FakeUnitOfWork()
    await record(
        uow,
        v1.PlanItemsReassigned(account_id="C-1", owner="AM-02", item_ids=["I-1"], reassigned_at=AT),
    )
    assert (uow.commits, uow.store.inbox, uow.store.contacts) == (0, set(), {})

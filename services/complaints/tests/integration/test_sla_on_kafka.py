"""SLA timers end to end: the real worker process, the real broker and PostgreSQL, second-scale
policies. Breaches are judged by the Kafka record timestamp against the deadline."""

import json
import signal
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from sqlalchemy import select

from chassis.kafka import KafkaConnection, ensure_topics
from chassis.scheduler import ceil_to_millisecond
from chassis.testing import (
    Infrastructure,
    ServiceProcess,
    eventually,
    topic_partitions,
    unique,
)
from complaints.adapters.tables import outbox
from complaints.bootstrap import Complaints
from complaints.service_layer import commands as c
from complaints.service_layer.handlers import file_complaint, run_ticket_command
from contracts import accounts_v1
from contracts.complaints_v1 import TICKETS_TOPIC
from contracts.envelope import CloudEvent, EventData

pytestmark = pytest.mark.integration

Record: TypeAlias = ConsumerRecord[Any, Any]


class TopicTail:
    """Reads the tickets topic from where it ended when the test began (the topic keeps every
    event of every earlier run, so reading it from the start would only get slower)."""

    def __init__(self, kafka: KafkaConnection) -> None:
        self._consumer = AIOKafkaConsumer(**kafka.client_kwargs(), enable_auto_commit=False)
        self._kafka = kafka

    async def start(self) -> "TopicTail":
        await self._consumer.start()
        partitions = await topic_partitions(self._kafka, TICKETS_TOPIC)
        self._consumer.assign(partitions)
        await self._consumer.seek_to_end(*partitions)
        for partition in partitions:
            await self._consumer.position(partition)
        return self

    async def stop(self) -> None:
        await self._consumer.stop()

    async def read(
        self,
        *,
        keep: Callable[[Record], bool],
        until: Callable[[list[Record]], bool],
        within: float = 30,
    ) -> list[Record]:
        kept: list[Record] = []
        give_up = time.monotonic() + within
        while not until(kept):
            if time.monotonic() > give_up:
                raise AssertionError(f"{TICKETS_TOPIC}: condition not met in {within}s; {kept!r}")
            batches = await self._consumer.getmany(timeout_ms=200)
            kept += [r for records in batches.values() for r in records if keep(r)]
        return kept


@pytest.fixture
async def tickets_topic(infrastructure: Infrastructure) -> AsyncIterator[TopicTail]:
    await ensure_topics(infrastructure.kafka, [TICKETS_TOPIC])
    tail = await TopicTail(infrastructure.kafka).start()
    yield tail
    await tail.stop()


def seconds(amount: float) -> dict[str, Any]:
    return {"amount": amount, "unit": "seconds"}


async def register(producer: AIOKafkaProducer, complaints: Complaints, *, vip: bool = False) -> str:
    """Publish the accounts events as the accounts service would; wait until complaints knows."""
    account_id = unique("C")
    now = datetime.now(UTC)
    events: list[EventData] = [
        accounts_v1.AccountRegistered(
            account_id=account_id,
            name="Kafka Trading",
            region="East",
            country="CN",
            segment="pharmacy",
            registered_at=now,
        )
    ]
    if vip:
        events.append(
            accounts_v1.AccountVipGranted(
                account_id=account_id,
                nominated_by="am-1",
                approved_by="head-1",
                reason="top 10",
                granted_at=now,
            )
        )
    for event in events:
        envelope = CloudEvent.wrap(event, source="accounts")
        await producer.send_and_wait(
            accounts_v1.ACCOUNTS_TOPIC, envelope.to_json_bytes(), key=account_id.encode()
        )

    async def known() -> bool:
        async with complaints.uow() as uow:
            account = await uow.accounts.get(account_id, visible_to=None)
        return account is not None and account.vip == vip

    await eventually(known, within=30)
    return account_id


async def file(complaints: Complaints, account_id: str) -> Any:
    return await file_complaint(
        uow=complaints.uow(),
        command=c.FileComplaint(
            account_id=account_id,
            contact="Mr Zhao",
            channel="online",
            category="service",
            severity=2,
            description="nobody called back",
            actor="agent-1",
            visible_to=None,
        ),
        clock=complaints.clock,
        settings=complaints.sla,
    )


def of_ticket(ticket_id: str, kind: str | None = None) -> Any:
    def keep(record: Record) -> bool:
        event = json.loads(record.value)
        return bool(
            event["data"].get("ticket_id") == ticket_id
            and (kind is None or event["type"] == f"complaints.ticket.{kind}.v1")
        )

    return keep


def event_of(record: Record) -> dict[str, Any]:
    return dict(json.loads(record.value))


def stamped(record: Record) -> datetime:
    return datetime.fromtimestamp(record.timestamp / 1000, UTC)


def kind(record: Record) -> str:
    return str(event_of(record)["type"]).split(".")[2]


def ms_floor(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


async def test_the_breach_appears_at_the_deadline_and_not_before(
    tickets_topic: TopicTail,
    kafka_producer: AIOKafkaProducer,
    live_complaints: Complaints,
    complaints_worker: ServiceProcess,
    activate_policy: Any,
) -> None:
    await activate_policy([{"targets": {"respond": seconds(3)}}])
    complaints_worker.start()
    await complaints_worker.wait_ready()
    account = await register(kafka_producer, live_complaints)
    ticket = await file(live_complaints, account)
    deadline = ticket.clocks["respond"].deadline

    records = await tickets_topic.read(
        keep=of_ticket(ticket.id),
        until=lambda kept: any(kind(r) == "sla_breached" for r in kept),
    )
    assert [kind(r) for r in records] == [
        "filed",
        "sla_warning",
        "sla_warning",
        "sla_breached",
        "escalated",
    ]
    breach = records[3]
    assert event_of(breach)["data"]["deadline"] == deadline.isoformat().replace("+00:00", "Z")
    assert stamped(breach) >= ms_floor(deadline), "breach published before its deadline"
    assert stamped(breach) - deadline < timedelta(seconds=1)
    assert records[3].key == account.encode()
    for warning, share in zip(records[1:3], (0.75, 0.90), strict=True):
        moment = ticket.opened_at + timedelta(seconds=3 * share)
        assert stamped(warning) >= ms_floor(moment)
        assert event_of(warning)["data"]["threshold"] == round(share * 100)

    # The board shows the breach as soon as it is on the topic, recorded in the ticket or not.
    async with live_complaints.uow() as uow:
        board = await uow.queries.board(now=datetime.now(UTC))
    assert (ticket.id, "respond") in {(row["id"], row["clock"]) for row in board["breached"]}
    # It was staged when the ticket was filed (within reach), to leave at the deadline.
    async with live_complaints.uow() as uow:
        staged = (
            await uow.session.execute(
                select(outbox.c.publish_at, outbox.c.staged_by, outbox.c.created_at).where(
                    outbox.c.event_id == event_of(breach)["id"]
                )
            )
        ).one()
    assert staged.publish_at == ceil_to_millisecond(deadline)
    assert staged.staged_by == ticket.id and staged.created_at < deadline

    # The scheduler records it in the ticket a moment later, at the deadline, once.
    async def recorded() -> bool:
        async with live_complaints.uow() as uow:
            stored = await uow.tickets.get(ticket.id, visible_to=None, lock=False)
        assert stored is not None
        return stored.clocks["respond"].breached_at == deadline and stored.escalation_level == 1

    await eventually(recorded, within=10)


async def test_resolved_before_the_deadline_gives_met_and_no_breach(
    tickets_topic: TopicTail,
    kafka_producer: AIOKafkaProducer,
    live_complaints: Complaints,
    complaints_worker: ServiceProcess,
    activate_policy: Any,
) -> None:
    await activate_policy(
        [{"targets": {"resolve": seconds(3), "feedback": seconds(5)}}], warning_thresholds=[90]
    )
    complaints_worker.start()
    await complaints_worker.wait_ready()
    ticket = await file(live_complaints, await register(kafka_producer, live_complaints))
    for command in (
        c.Acknowledge(ticket.id, "agent", None),
        c.Investigate(ticket.id, "agent", None, department="sales"),
        c.ProposeSolution(
            ticket.id, "agent", None, remedy="explanation", solution="call back today"
        ),
        c.Resolve(ticket.id, "agent", None, root_cause="missed callback"),
    ):
        await run_ticket_command(
            uow=live_complaints.uow(),
            command=command,
            clock=live_complaints.clock,
            settings=live_complaints.sla,
        )

    # The feedback clock starts at resolve and breaches later than resolve's deadline: once
    # its breach is on the topic, a resolve breach would have been too.
    records = await tickets_topic.read(
        keep=of_ticket(ticket.id),
        until=lambda kept: any(kind(r) == "sla_breached" for r in kept),
    )
    clocks = [(kind(r), event_of(r)["data"].get("clock")) for r in records]
    assert ("sla_met", "resolve") in clocks
    assert ("sla_breached", "feedback") in clocks
    assert ("sla_breached", "resolve") not in clocks
    assert ("sla_warning", "resolve") not in clocks


async def test_a_deadline_passed_while_the_worker_was_down_fires_once_at_start_up(
    tickets_topic: TopicTail,
    kafka_producer: AIOKafkaProducer,
    live_complaints: Complaints,
    complaints_worker: ServiceProcess,
    activate_policy: Any,
) -> None:
    await activate_policy([{"targets": {"respond": seconds(2)}}], warning_thresholds=[50])
    complaints_worker.start()
    await complaints_worker.wait_ready()
    account = await register(kafka_producer, live_complaints)
    ticket = await file(live_complaints, account)
    deadline = ticket.clocks["respond"].deadline
    assert complaints_worker.process is not None
    complaints_worker.process.send_signal(signal.SIGKILL)
    await complaints_worker.wait_exit(within=10)

    async def deadline_passed() -> bool:
        return datetime.now(UTC) > deadline + timedelta(seconds=1)

    await eventually(deadline_passed, within=10, interval=0.1)
    restarted_at = datetime.now(UTC)
    complaints_worker.start()
    await complaints_worker.wait_ready()

    # A second ticket filed after the restart breaches after the first one's breach fired:
    # when its breach is on the topic, any duplicate of the first would be there too.
    sentinel = await file(live_complaints, account)
    records = await tickets_topic.read(
        keep=lambda r: of_ticket(ticket.id)(r) or of_ticket(sentinel.id, "sla_breached")(r),
        until=lambda kept: any(of_ticket(sentinel.id)(r) for r in kept),
    )
    breaches = [r for r in records if of_ticket(ticket.id, "sla_breached")(r)]
    assert len(breaches) == 1
    assert stamped(breaches[0]) >= ms_floor(restarted_at)
    # The warning due during the outage is reported too, before its breach.
    assert [kind(r) for r in records if of_ticket(ticket.id)(r)] == [
        "filed",
        "sla_warning",
        "sla_breached",
        "escalated",
    ]


async def test_a_vip_account_gets_the_shorter_targets(
    tickets_topic: TopicTail,
    kafka_producer: AIOKafkaProducer,
    live_complaints: Complaints,
    complaints_worker: ServiceProcess,
    activate_policy: Any,
) -> None:
    await activate_policy(
        [
            {"targets": {"respond": seconds(30)}},
            {"vip": True, "targets": {"respond": seconds(2)}},
        ]
    )
    complaints_worker.start()
    await complaints_worker.wait_ready()
    ordinary = await file(live_complaints, await register(kafka_producer, live_complaints))
    vip = await file(live_complaints, await register(kafka_producer, live_complaints, vip=True))
    assert ordinary.clocks["respond"].budget == timedelta(seconds=30)
    assert vip.clocks["respond"].budget == timedelta(seconds=2)

    records = await tickets_topic.read(
        keep=lambda r: of_ticket(vip.id)(r) or of_ticket(ordinary.id)(r),
        until=lambda kept: any(of_ticket(vip.id, "sla_breached")(r) for r in kept),
    )
    vip_breach = next(r for r in records if of_ticket(vip.id, "sla_breached")(r))
    assert stamped(vip_breach) >= ms_floor(vip.clocks["respond"].deadline)
    filed = next(r for r in records if of_ticket(vip.id, "filed")(r))
    assert event_of(filed)["data"]["vip"] is True
    assert not [r for r in records if of_ticket(ordinary.id, "sla_breached")(r)]

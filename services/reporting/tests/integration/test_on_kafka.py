"""On the real broker and database: events as the other services publish them (their
contracts, keyed by account) move the right KPI through the worker; a figure as of yesterday
does not move when an event about today arrives; an event delivered twice is counted once; a
rebuild from offset 0 equals the live read models and is swapped in while the worker runs."""

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from chassis.testing import (
    Infrastructure,
    Keycloak,
    eventually,
    read_topic,
    scratch_database,
    unique,
)
from contracts import accounts_v1, complaints_v1, engagement_v1, erp_v1
from contracts.envelope import CloudEvent, EventData
from reporting.bootstrap import bootstrap
from reporting.entrypoints.rebuild import rebuild
from reporting_fixtures import ADMIN, prepare_reporting, reporting_settings

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
YESTERDAY = NOW - timedelta(days=1)


class Publisher:
    """Publishes CloudEvents as the services' relays do, with the Kafka timestamp chosen."""

    def __init__(self, producer: AIOKafkaProducer, prefix: str) -> None:
        self.producer = producer
        self.prefix = prefix

    async def send(
        self, data: EventData, *, at: datetime, envelope: CloudEvent | None = None
    ) -> CloudEvent:
        envelope = envelope or CloudEvent.wrap(data, source=data.topic.split(".")[0], time=at)
        await self.producer.send_and_wait(
            f"{self.prefix}{data.topic}",
            envelope.to_json_bytes(),
            key=envelope.subject.encode(),
            timestamp_ms=int(at.timestamp() * 1000),
        )
        return envelope


@pytest.fixture
async def stack(
    infrastructure: Infrastructure, keycloak: Keycloak
) -> AsyncIterator[dict[str, Any]]:
    async with scratch_database(infrastructure, "reporting_kafka") as database:
        prefix = f"reporting.{unique('rt')}."
        service = await prepare_reporting(infrastructure, database=database, topic_prefix=prefix)
        producer = AIOKafkaProducer(**infrastructure.kafka.client_kwargs(), acks="all")
        await producer.start()
        try:
            async with service.running("api", "worker") as processes:
                yield {
                    "service": service,
                    "api": processes["api"],
                    "publish": Publisher(producer, prefix),
                    "admin": keycloak.bearer(ADMIN),
                }
        finally:
            await producer.stop()


async def figures(
    stack: dict[str, Any], manager: str, *, as_of: datetime, period: str | None = None
) -> dict[str, dict[str, Any]]:
    """A manager's KPIs through the API, asked as the admin."""
    params = {"scope": f"manager:{manager}", "as_of": as_of.date().isoformat()}
    if period:
        params["period"] = period
    async with httpx.AsyncClient(base_url=stack["api"].base_url, headers=stack["admin"]) as client:
        answer = await client.get("/api/v1/reporting/kpis", params=params)
    assert answer.status_code == 200, answer.text
    return {figure["name"]: figure["value"] for figure in answer.json()["figures"]}


def account_events(account_id: str, manager: str, at: datetime) -> Sequence[EventData]:
    return [
        accounts_v1.AccountRegistered(
            account_id=account_id,
            name="Shop",
            region="East",
            country="CN",
            segment="pharmacy",
            account_manager=manager,
            registered_at=at - timedelta(days=400),
        )
    ]


def order(account_id: str, total: str, at: datetime) -> erp_v1.OrderPlaced:
    return erp_v1.OrderPlaced.model_validate(
        {
            "order_id": unique("SO"),
            "customer_id": account_id,
            "placed_at": at,
            "currency": "CNY",
            "total": total,
            "lines": [{"sku": "S", "category": "skincare", "quantity": 2, "unit_price": "50.00"}],
        }
    )


async def test_kpis_from_kafka_as_of_a_date_once_each_and_rebuilt_by_replay(
    stack: dict[str, Any],
) -> None:
    publish: Publisher = stack["publish"]
    manager = unique("AM")
    account = unique("C")
    for data in account_events(account, manager, YESTERDAY):
        await publish.send(data, at=YESTERDAY - timedelta(days=400))
    await publish.send(order(account, "100.00", YESTERDAY), at=YESTERDAY)
    await publish.send(
        engagement_v1.VisitLogged(
            visit_id=unique("v"),
            account_id=account,
            manager=manager,
            occurred_on=YESTERDAY.date(),
            channel="on_site",
            duration_minutes=45,
            outcome="order_placed",
            logged_at=YESTERDAY,
        ),
        at=YESTERDAY,
    )
    ticket = unique("T")
    await publish.send(
        complaints_v1.TicketFiled(
            ticket_id=ticket,
            account_id=account,
            channel="hotline",
            category="delivery",
            severity=2,
            policy_version=1,
            filed_by="h",
            filed_at=YESTERDAY,
        ),
        at=YESTERDAY,
    )
    await publish.send(
        complaints_v1.SlaBreached(
            ticket_id=ticket,
            account_id=account,
            clock="respond",
            severity=2,
            deadline=YESTERDAY,
            breached_at=YESTERDAY,
        ),
        at=YESTERDAY,
    )
    answer = engagement_v1.FeedbackRecorded(
        feedback_id=unique("fb"),
        account_id=account,
        nps=10,
        context="visit",
        responded_at=YESTERDAY,
    )
    envelope = await publish.send(answer, at=YESTERDAY)
    # The same CloudEvent delivered again (an at-least-once producer's retry).
    await publish.send(answer, at=YESTERDAY, envelope=envelope)
    period = YESTERDAY.strftime("%Y-%m")

    async def counted() -> dict[str, dict[str, Any]] | None:
        got = await figures(stack, manager, as_of=YESTERDAY, period=period)
        return got if got["sla_compliance"]["breached"] == 1 and got["nps"]["answers"] else None

    as_of_yesterday = await eventually(counted, within=30)
    assert as_of_yesterday["clv"]["revenue"] == "100.00"
    assert as_of_yesterday["visits"]["visits"] == 1
    assert as_of_yesterday["complaint_rate"]["tickets"] == 1
    assert as_of_yesterday["sla_compliance"]["rate"] == "0.00"
    assert as_of_yesterday["nps"] == {
        "answers": 1,
        "promoters": 1,
        "passives": 0,
        "detractors": 0,
        "score": "100.00",
    }

    # An order today: counted as of today, and the figure as of yesterday does not move.
    await publish.send(order(account, "50.00", NOW), at=NOW)

    async def today_counted() -> dict[str, dict[str, Any]] | None:
        got = await figures(stack, manager, as_of=NOW, period=period)
        return got if got["clv"]["orders"] == (2 if NOW.month == YESTERDAY.month else 1) else None

    await eventually(today_counted, within=30)
    assert await figures(stack, manager, as_of=YESTERDAY, period=period) == as_of_yesterday

    # Rebuild from offset 0 while the worker runs: equal to the live read models, swapped in.
    app = bootstrap(reporting_settings(stack["service"].env))
    try:
        report = await rebuild(app)
    finally:
        await app.dispose()
    assert report.equal, (report.live, report.rebuilt)
    assert report.swapped
    assert report.live["events"].rows == 7  # the duplicate once
    assert await figures(stack, manager, as_of=YESTERDAY, period=period) == as_of_yesterday

    # The worker goes on counting into the swapped-in schema.
    await publish.send(order(account, "25.00", NOW), at=NOW)

    async def after_swap() -> bool:
        got = await figures(stack, manager, as_of=NOW, period=NOW.strftime("%Y-%m"))
        return got["clv"]["revenue"] in ("175.00", "75.00")

    assert await eventually(after_swap, within=30)


async def test_a_bad_record_is_dead_lettered_with_its_reason_and_the_partition_moves_on(
    stack: dict[str, Any], infrastructure: Infrastructure
) -> None:
    publish: Publisher = stack["publish"]
    manager, account = unique("AM"), unique("C")
    for data in account_events(account, manager, NOW):
        await publish.send(data, at=NOW)
    topic = f"{publish.prefix}{erp_v1.ORDERS_TOPIC}"
    await publish.producer.send_and_wait(topic, b"{not json", key=account.encode())
    await publish.send(order(account, "30.00", NOW), at=NOW)

    async def counted() -> bool:
        got = await figures(stack, manager, as_of=NOW)
        return got["clv"]["revenue"] == "30.00"

    assert await eventually(counted, within=30)
    prefix = stack["service"].setting("CONSUMER_GROUP_PREFIX")
    (letter,) = await read_topic(
        infrastructure.kafka,
        f"dlq.{prefix}.orders",
        until=lambda kept: len(kept) >= 1,
    )
    headers = {key: value.decode() for key, value in letter.headers}
    assert headers["dlq-reason"] == "malformed-json"
    assert headers["dlq-original-topic"] == topic

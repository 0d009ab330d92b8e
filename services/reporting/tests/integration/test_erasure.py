"""Erasure (decision 0020): reporting keeps nothing personal, yet reports each erasure done on
privacy.erasures.v1 (the real worker, broker and PostgreSQL), so accounts' report names every
consumer; a rebuild replaying an old erasure reports nothing again."""

import json
from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from chassis.testing import Infrastructure, ServiceUnderTest, read_topic, unique
from contracts.accounts_v1 import ACCOUNTS_TOPIC, AccountContactsErased
from contracts.envelope import CloudEvent
from contracts.privacy_v1 import ERASURES_TOPIC
from reporting.adapters.tables import outbox
from reporting.bootstrap import Reporting
from reporting.service_layer.handlers import count_batch
from reporting_fixtures import consumer_of, received

pytestmark = pytest.mark.integration


def erasure_of(account_id: str) -> AccountContactsErased:
    return AccountContactsErased(
        account_id=account_id,
        erasure_id=unique("E"),
        scope="account",
        contact_references=["c-1", "c-2"],
        reason="dormant",
        requested_by="accounts",
        erased_at=datetime.now(UTC),
    )


async def test_the_worker_reports_an_erasure_done(
    reporting_service: ServiceUnderTest,
    kafka_producer: AIOKafkaProducer,
    infrastructure: Infrastructure,
) -> None:
    account_id = unique("C")
    erasure = erasure_of(account_id)
    async with reporting_service.running("worker"):
        await kafka_producer.send_and_wait(
            ACCOUNTS_TOPIC,
            CloudEvent.wrap(erasure, source="accounts").to_json_bytes(),
            key=account_id.encode(),
        )
        completions = await read_topic(
            infrastructure.kafka,
            ERASURES_TOPIC,
            keep=lambda r: json.loads(r.value)["data"]["erasure_id"] == erasure.erasure_id,
            until=lambda kept: len(kept) >= 1,
        )
    data = json.loads(completions[0].value)["data"]
    assert (data["account_id"], data["service"]) == (account_id, "reporting")


async def test_a_replayed_erasure_is_counted_but_not_reported_again(reporting: Reporting) -> None:
    erasure = erasure_of(unique("C"))
    event = received(erasure, arrived=datetime.now(UTC))
    counted = await count_batch(
        uow=reporting.uow(),
        by_consumer={consumer_of(reporting, erasure): [event]},
        erasures_done_at=None,
    )
    assert counted == 1
    async with reporting.uow() as uow:
        reported = await uow.session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.payload["data"]["erasure_id"].astext == erasure.erasure_id)
        )
    assert reported == 0

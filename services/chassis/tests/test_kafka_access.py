"""Kafka access control (decision 0019): every client signs in with SASL/SCRAM as its own
principal, and the ACL table (deploy/local/kafka/acls.txt) lets a service write only its own
topics and the ERP only `erp.*`."""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaConnectionError, TopicAuthorizationFailedError

from chassis.kafka import KafkaConnection
from chassis.testing import Infrastructure, unique
from chassis.testing.infrastructure import REPO_ROOT
from contracts import erp_v1
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.complaints_v1 import TICKETS_TOPIC
from contracts.envelope import CloudEvent
from contracts.registry import TOPICS

ACLS = REPO_ROOT / "deploy" / "local" / "kafka" / "acls.txt"


@asynccontextmanager
async def producer_as(kafka: KafkaConnection) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(**kafka.client_kwargs(), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


def customer() -> bytes:
    data = erp_v1.CustomerUpserted(
        customer_id=unique("ACL"),
        name="Access Control Ltd",
        region="East",
        country="CN",
        segment="pharmacy",
        address="1 Nanjing Road, Shanghai",
        updated_at=datetime.now(UTC),
    )
    return CloudEvent.wrap(data, source="erp").to_json_bytes()


@pytest.mark.integration
async def test_the_accounts_principal_cannot_produce_to_the_complaints_topic(
    infrastructure: Infrastructure,
) -> None:
    async with producer_as(infrastructure.kafka_as("accounts")) as producer:
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(TICKETS_TOPIC, b"{}", key=b"C-1")


@pytest.mark.integration
async def test_the_erp_principal_cannot_produce_to_the_accounts_topic(
    infrastructure: Infrastructure,
) -> None:
    async with producer_as(infrastructure.kafka_as("erp")) as producer:
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(ACCOUNTS_TOPIC, b"{}", key=b"C-1")


@pytest.mark.integration
async def test_the_erp_principal_produces_to_its_own_topics(
    infrastructure: Infrastructure,
) -> None:
    async with producer_as(infrastructure.kafka_as("erp")) as producer:
        sent = await producer.send_and_wait(erp_v1.CUSTOMERS_TOPIC, customer(), key=b"ACL")
    assert sent.topic == erp_v1.CUSTOMERS_TOPIC
    assert sent.offset >= 0


@pytest.mark.integration
async def test_a_service_cannot_read_a_topic_it_does_not_consume(
    infrastructure: Infrastructure,
) -> None:
    """Complaints consumes the accounts topic only: the ERP's orders are not for it."""
    consumer = AIOKafkaConsumer(
        erp_v1.ORDERS_TOPIC,
        **infrastructure.kafka_as("complaints").client_kwargs(),
        group_id=unique("complaints-acl"),
        auto_offset_reset="earliest",
    )
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await consumer.start()
            await consumer.getmany(timeout_ms=5000)
    finally:
        await consumer.stop()


@pytest.mark.integration
async def test_a_wrong_password_does_not_connect(infrastructure: Infrastructure) -> None:
    right = infrastructure.kafka_as("erp")
    wrong = KafkaConnection(right.bootstrap_servers, right.username, right.password + "-wrong")
    producer = AIOKafkaProducer(**wrong.client_kwargs(), request_timeout_ms=5000)
    with pytest.raises(KafkaConnectionError):
        await producer.start()
    await producer.stop()
    async with producer_as(right):
        pass


def acl_lines(path: Path) -> list[list[str]]:
    return [
        line.split()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def test_each_topic_is_written_by_its_owner_alone() -> None:
    """The contracts registry's owner of a topic is the one principal the ACLs let write it:
    topics are named after their owner, who may write its own prefix; the shared erasures topic
    is written by the services that keep personal data."""
    writes = [
        (principal, pattern, name)
        for principal, resource, pattern, operations, names in acl_lines(ACLS)
        if resource == "topic" and "Write" in operations.split(",")
        for name in names.split(",")
    ]
    for topic in TOPICS:
        writers = {
            principal
            for principal, pattern, name in writes
            if topic.name == name or (pattern == "prefixed" and topic.name.startswith(name))
        }
        if topic.owner == "every-service":
            # Each service that keeps personal data reports its own erasures there; not the ERP.
            assert writers == {"complaints", "engagement", "reporting"}, (topic.name, writers)
            continue
        assert re.fullmatch(rf"{topic.owner}\.[a-z.]+\.v\d+", topic.name), topic.name
        assert writers == {topic.owner}, (topic.name, writers)

"""Kafka as tests see it: a plain producer, reading a topic, consumer groups started at the end."""

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chassis.kafka import KafkaConnection
from chassis.testing.infrastructure import Infrastructure


@pytest.fixture
async def kafka_producer(infrastructure: Infrastructure) -> AsyncIterator[AIOKafkaProducer]:
    """A plain Kafka producer, as any ERP integrator would use; the super user's, so it also
    plays the services that own the other topics."""
    producer = AIOKafkaProducer(
        **infrastructure.kafka.client_kwargs(),
        acks="all",
        enable_idempotence=True,
    )
    await producer.start()
    yield producer
    await producer.stop()


async def read_topic(
    kafka: KafkaConnection,
    topic: str,
    *,
    until: Callable[[list[ConsumerRecord[Any, Any]]], bool],
    keep: Callable[[ConsumerRecord[Any, Any]], bool] = lambda _: True,
    within: float = 60.0,
) -> list[ConsumerRecord[Any, Any]]:
    """Read a topic from the beginning, keeping matching records, until `until(kept)` holds."""
    consumer = AIOKafkaConsumer(
        topic,
        **kafka.client_kwargs(),
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    kept: list[ConsumerRecord[Any, Any]] = []
    deadline = time.monotonic() + within
    try:
        while not until(kept):
            if time.monotonic() > deadline:
                raise AssertionError(f"{topic}: condition not met within {within}s; kept {kept!r}")
            batches = await consumer.getmany(timeout_ms=500)
            kept += [record for records in batches.values() for record in records if keep(record)]
    finally:
        await consumer.stop()
    return kept


async def start_group_at_end(kafka: KafkaConnection, group: str, topics: list[str]) -> None:
    """Commit a consumer group's offsets at the end of the topics, so it reads only what comes next."""
    consumer = AIOKafkaConsumer(**kafka.client_kwargs(), group_id=group, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            partition for topic in topics for partition in await topic_partitions(kafka, topic)
        ]
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        await consumer.commit({tp: await consumer.position(tp) for tp in partitions})
    finally:
        await consumer.stop()


async def topic_partitions(kafka: KafkaConnection, topic: str) -> list[TopicPartition]:
    """The partitions of a topic, as the broker describes them."""
    admin = AIOKafkaAdminClient(**kafka.client_kwargs())
    await admin.start()
    try:
        (description,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, p["partition"]) for p in description["partitions"]]

"""ERP orders per second, end to end into the accounts database, against raw Kafka consumption.

The orders are published first, while the accounts worker is down; then the worker starts and
the clock runs until every order is reflected in the accounts' 12-month figures. In the same
run a bare aiokafka consumer reads the same records as the baseline. Both figures and their
ratio are printed (`make bench`). Size: RAPPORT_BENCH_ORDERS (default 20000).
"""

import os
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from accounts_fixtures import Erp, prepare_accounts
from chassis.db import asyncpg_url
from chassis.kafka import ensure_topics
from chassis.testing import (
    Infrastructure,
    eventually,
    scratch_database,
    topic_partitions,
    unique,
)
from contracts import erp_v1

ORDERS = int(os.environ.get("RAPPORT_BENCH_ORDERS", "20000"))
CUSTOMERS = 500
TOPICS = [erp_v1.CUSTOMERS_TOPIC, erp_v1.ORDERS_TOPIC]


async def end_offsets(bootstrap: str) -> dict[TopicPartition, int]:
    partitions = [p for topic in TOPICS for p in await topic_partitions(bootstrap, topic)]
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def raw_consume_seconds(
    bootstrap: str, start: dict[TopicPartition, int], count: int
) -> float:
    """Baseline: read `count` records from `start` with a bare consumer, decoding nothing."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        began = time.perf_counter()
        seen = 0
        while seen < count:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            seen += sum(len(records) for records in batches.values())
        return time.perf_counter() - began
    finally:
        await consumer.stop()


@pytest.fixture
async def bench_database(infrastructure: Infrastructure) -> AsyncIterator[str]:
    async with scratch_database(infrastructure, "rapport_bench") as database:
        yield database


@pytest.mark.integration
async def test_erp_orders_per_second(infrastructure: Infrastructure, bench_database: str) -> None:
    bootstrap = infrastructure.kafka_bootstrap_servers
    await ensure_topics(bootstrap, TOPICS)
    accounts = await prepare_accounts(infrastructure, database=bench_database)
    env = accounts.env
    start = await end_offsets(bootstrap)

    prefix = unique("B")
    customers = [f"{prefix}-{n}" for n in range(CUSTOMERS)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    await producer.start()
    try:
        pending: list[Any] = []
        for customer in customers:
            envelope = Erp.envelope(Erp.customer(customer))
            pending.append(
                await producer.send(
                    erp_v1.CUSTOMERS_TOPIC, envelope.to_json_bytes(), key=customer.encode()
                )
            )
        for n in range(ORDERS):
            customer = customers[n % CUSTOMERS]
            order = Erp.order(customer, f"{prefix}-SO{n}", "1000.00", days_ago=n % 300)
            envelope = Erp.envelope(order)
            pending.append(
                await producer.send(
                    erp_v1.ORDERS_TOPIC, envelope.to_json_bytes(), key=customer.encode()
                )
            )
        await producer.flush()
        for future in pending:
            await future
    finally:
        await producer.stop()

    engine = create_async_engine(asyncpg_url(env["ACCOUNTS_DATABASE_URL"]))

    async def orders_reflected() -> int:
        async with engine.connect() as connection:
            total = await connection.scalar(
                text("SELECT coalesce(sum(order_count_12m), 0) FROM accounts.accounts")
            )
        return int(total or 0)

    async def all_reflected() -> bool:
        return await orders_reflected() >= ORDERS

    worker = accounts.process("worker").start()
    try:
        await worker.wait_ready()
        began = time.perf_counter()
        await eventually(all_reflected, within=600, interval=0.05)
        end_to_end = time.perf_counter() - began
    finally:
        worker.stop()
        await engine.dispose()
    assert await _final_count(env) == ORDERS

    raw = await raw_consume_seconds(bootstrap, start, ORDERS + CUSTOMERS)
    e2e_rate, raw_rate = ORDERS / end_to_end, (ORDERS + CUSTOMERS) / raw
    print(
        f"\nERP throughput, {ORDERS} orders for {CUSTOMERS} accounts:"
        f"\n  end to end (Kafka -> accounts database): {e2e_rate:,.0f} orders/s ({end_to_end:.2f} s)"
        f"\n  raw aiokafka consume (baseline):          {raw_rate:,.0f} records/s ({raw:.2f} s)"
        f"\n  ratio end-to-end / raw:                   {e2e_rate / raw_rate:.3f}"
    )


async def _final_count(env: dict[str, str]) -> int:
    engine = create_async_engine(asyncpg_url(env["ACCOUNTS_DATABASE_URL"]))
    async with engine.connect() as connection:
        total = await connection.scalar(text("SELECT count(*) FROM accounts.orders"))
    await engine.dispose()
    return int(total or 0)

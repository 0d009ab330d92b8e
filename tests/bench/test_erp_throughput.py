"""ERP orders per second, end to end into the accounts database, against a hand-written pipeline.

Three measurements in one run, each on 20,000 orders for 500 accounts (RAPPORT_BENCH_ORDERS):

1. The accounts worker on an empty database. The orders are published first, while the worker
   is down; then the worker starts and the clock runs until every order is reflected in the
   accounts' 12-month figures.
2. The baseline, on the same records in the same run: a bare pipeline doing the core of the
   same work (aiokafka `getmany` of up to 2,000 records, `json.loads`, one asyncpg transaction
   per batch with an inbox insert of the event ids, a COPY of the orders and one upsert of each
   affected account's 12-month count and revenue, then the offset commit).
3. The accounts worker again, on a database already holding 1,000,000 orders of 100,000
   accounts (RAPPORT_BENCH_STORED_ORDERS), the bench's 500 among them, placed over three years
   and written with COPY (not through Kafka), their 12-month figures stored and the migration's
   evaluation of every account marked done, as in a deployment where it ran long ago.

It prints the orders/s of the service and of the baseline, their ratio, and the rate with the
stored history against the rate on the empty database (`make bench`).
"""

import json
import os
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.structs import OffsetAndMetadata

from accounts_fixtures import Erp, prepare_accounts
from chassis.kafka import KafkaConnection, ensure_topics
from chassis.testing import (
    Infrastructure,
    ServiceUnderTest,
    eventually,
    scratch_database,
    topic_partitions,
    unique,
)
from contracts import erp_v1

ORDERS = int(os.environ.get("RAPPORT_BENCH_ORDERS", "20000"))
STORED_ORDERS = int(os.environ.get("RAPPORT_BENCH_STORED_ORDERS", "1000000"))
CUSTOMERS = 500
STORED_ACCOUNTS = 100_000
TOPICS = [erp_v1.CUSTOMERS_TOPIC, erp_v1.ORDERS_TOPIC]
BATCH = 2000
PLACED = erp_v1.OrderPlaced.event_type
Offsets = dict[TopicPartition, int]
# The ABC refresh ranks every account (100,000 with the history) a few seconds after revenue
# moved; it is a job over all accounts, not per order, so it stays out of the measured window.
SETTINGS = {"ACCOUNTS_ABC_REFRESH_DELAY_SECONDS": "3600"}


async def end_offsets(kafka: KafkaConnection) -> Offsets:
    partitions = [p for topic in TOPICS for p in await topic_partitions(kafka, topic)]
    consumer = AIOKafkaConsumer(**kafka.client_kwargs())
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def publish_orders(kafka: KafkaConnection, customers: list[str], prefix: str) -> None:
    """The master data of the customers, then ORDERS orders spread over them and 300 days."""
    records = [
        (erp_v1.CUSTOMERS_TOPIC, customer, Erp.envelope(Erp.customer(customer)))
        for customer in customers
    ]
    for n in range(ORDERS):
        customer = customers[n % len(customers)]
        order = Erp.order(customer, f"{prefix}-SO{n}", "1000.00", days_ago=n % 300)
        records.append((erp_v1.ORDERS_TOPIC, customer, Erp.envelope(order)))
    producer = AIOKafkaProducer(**kafka.client_kwargs(), acks="all", linger_ms=20)
    await producer.start()
    try:
        pending = [
            await producer.send(topic, envelope.to_json_bytes(), key=key.encode())
            for topic, key, envelope in records
        ]
        await producer.flush()
        for future in pending:
            await future
    finally:
        await producer.stop()


def plain_url(url: str) -> str:
    """The URL asyncpg itself takes (the services' settings name the SQLAlchemy driver)."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def service_seconds(accounts: ServiceUnderTest, customers: list[str], expected: int) -> float:
    """Start the worker on the published backlog; seconds from ready until the customers'
    12-month order counts add up to `expected`."""
    connection = await asyncpg.connect(plain_url(accounts.database_url))

    async def reflected() -> bool:
        total = await connection.fetchval(
            "SELECT coalesce(sum(order_count_12m), 0) FROM accounts.accounts"
            " WHERE account_id = ANY($1::text[])",
            customers,
        )
        return int(total) >= expected

    worker = accounts.process("worker").start()
    try:
        await worker.wait_ready()
        began = time.perf_counter()
        await eventually(reflected, within=600, interval=0.05)
        return time.perf_counter() - began
    finally:
        worker.stop()
        await connection.close()


def _json_or_none(value: bytes) -> dict[str, Any] | None:
    """A record's event; None for what another test on the shared broker put in the topics
    meanwhile that is not even an event's outline (the worker dead-letters such records)."""
    try:
        event = json.loads(value)
    except ValueError:
        return None
    return event if isinstance(event, dict) and {"id", "type"} <= event.keys() else None


BASELINE_SCHEMA = """
CREATE SCHEMA baseline;
CREATE TABLE baseline.inbox (
    consumer text NOT NULL, event_id text NOT NULL, PRIMARY KEY (consumer, event_id));
CREATE TABLE baseline.orders (
    order_id text PRIMARY KEY, customer_id text NOT NULL, placed_at timestamptz NOT NULL,
    currency text NOT NULL, total numeric(18, 2) NOT NULL);
CREATE INDEX ON baseline.orders (customer_id, placed_at);
CREATE TABLE baseline.accounts (
    account_id text PRIMARY KEY, order_count_12m integer NOT NULL,
    net_revenue_12m numeric(18, 2) NOT NULL);
"""


async def baseline_seconds(
    admin_url: str, kafka: KafkaConnection, start: Offsets, end: Offsets
) -> float:
    """The hand-written pipeline over the records between `start` and `end`."""
    connection = await asyncpg.connect(plain_url(admin_url))
    await connection.execute(BASELINE_SCHEMA)
    consumer = AIOKafkaConsumer(
        **kafka.client_kwargs(), group_id=unique("bench-baseline"), enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(list(start))
        for partition, offset in start.items():
            consumer.seek(partition, offset)
        window_start = datetime.now(UTC) - timedelta(days=365)
        position = dict(start)
        began = time.perf_counter()
        while any(position[p] < end[p] for p in end):
            batches = await consumer.getmany(timeout_ms=100, max_records=BATCH)
            events = [
                event
                for records in batches.values()
                for record in records
                if (event := _json_or_none(record.value)) is not None
            ]
            if not events:
                continue
            await _baseline_batch(connection, events, window_start)
            offsets = {p: records[-1].offset + 1 for p, records in batches.items() if records}
            await consumer.commit({p: OffsetAndMetadata(o, "") for p, o in offsets.items()})
            position.update(offsets)
        return time.perf_counter() - began
    finally:
        await consumer.stop()
        await connection.close()


async def _baseline_batch(
    connection: asyncpg.Connection, events: list[dict[str, object]], window_start: datetime
) -> None:
    orders = [event["data"] for event in events if event["type"] == PLACED]
    rows = [
        (
            o["order_id"],
            o["customer_id"],
            datetime.fromisoformat(o["placed_at"]),
            o["currency"],
            Decimal(o["total"]),
        )
        for o in orders
        if isinstance(o, dict)
    ]
    figures: dict[str, tuple[int, Decimal]] = {}
    for _, customer, placed_at, _, total in rows:
        count, revenue = figures.get(customer, (0, Decimal(0)))
        if placed_at >= window_start:
            figures[customer] = (count + 1, revenue + total)
    async with connection.transaction():
        await connection.execute(
            "INSERT INTO baseline.inbox SELECT 'baseline', unnest($1::text[])"
            " ON CONFLICT DO NOTHING",
            [str(event["id"]) for event in events],
        )
        await connection.copy_records_to_table(
            "orders", schema_name="baseline", records=rows, columns=ORDER_COLUMNS
        )
        await connection.execute(
            "INSERT INTO baseline.accounts"
            " SELECT * FROM unnest($1::text[], $2::integer[], $3::numeric[])"
            " ON CONFLICT (account_id) DO UPDATE SET"
            " order_count_12m = accounts.order_count_12m + excluded.order_count_12m,"
            " net_revenue_12m = accounts.net_revenue_12m + excluded.net_revenue_12m",
            list(figures),
            [count for count, _ in figures.values()],
            [revenue for _, revenue in figures.values()],
        )


ORDER_COLUMNS = ["order_id", "customer_id", "placed_at", "currency", "total"]
ACCOUNT_COLUMNS = [
    "account_id",
    "name",
    "region",
    "country",
    "segment",
    "address",
    "account_manager",
    "erp_updated_at",
    "registered_at",
]


async def store_history(url: str, customers: list[str]) -> int:
    """COPY STORED_ORDERS orders of STORED_ACCOUNTS accounts (the customers among them) placed
    over three years; return how many orders of `customers` are inside the 12-month window."""
    now = datetime.now(UTC)
    others = [f"H-{n}" for n in range(STORED_ACCOUNTS - len(customers))]
    ids = customers + others
    rng = random.Random(12)
    connection = await asyncpg.connect(plain_url(url))
    try:
        registered = now - timedelta(days=1200)
        await connection.copy_records_to_table(
            "accounts",
            schema_name="accounts",
            columns=ACCOUNT_COLUMNS,
            records=[
                (
                    i,
                    f"Company {i}",
                    "East",
                    "CN",
                    "pharmacy",
                    "1 Nanjing Road",
                    "AM-01",
                    *[registered] * 2,
                )
                for i in ids
            ],
        )
        orders = []
        for n in range(STORED_ORDERS):
            # Never within five days of the window's edge, so no order ages out mid-run.
            days = rng.choice((rng.uniform(0, 360), rng.uniform(370, 1095)))
            placed = now - timedelta(days=days)
            orders.append((f"H-SO{n}", ids[n % len(ids)], placed, "CNY", Decimal(100 + n % 4900)))
        await connection.copy_records_to_table(
            "orders", schema_name="accounts", columns=ORDER_COLUMNS, records=orders
        )
        window_start = now - timedelta(days=365)
        await connection.execute(SETTLE, window_start)
        await connection.execute(EVALUATED_ALL)
        # As a deployment's tables are: vacuumed, so autovacuum does not start mid-run.
        await connection.execute("VACUUM (ANALYZE) accounts.accounts")
        await connection.execute("VACUUM (ANALYZE) accounts.orders")
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM accounts.orders"
                " WHERE customer_id = ANY($1::text[]) AND placed_at >= $2",
                customers,
                window_start,
            )
        )
    finally:
        await connection.close()


# What the service would have stored for the history: the accounts' 12-month figures, and the
# migration's evaluation of every account done long ago (its timer fired).
SETTLE = """
UPDATE accounts.accounts a SET order_count_12m = f.n, net_revenue_12m = f.revenue
FROM (
    SELECT customer_id, count(*) AS n, sum(total) AS revenue
    FROM accounts.orders WHERE placed_at >= $1 GROUP BY customer_id
) f WHERE a.account_id = f.customer_id;
"""
EVALUATED_ALL = "UPDATE accounts.timers SET fired_at = now() WHERE kind = 'evaluate_all'"


@pytest.fixture
async def bench_database(infrastructure: Infrastructure) -> AsyncIterator[str]:
    async with scratch_database(infrastructure, "rapport_bench") as database:
        yield database


@pytest.fixture
async def history_database(infrastructure: Infrastructure) -> AsyncIterator[str]:
    async with scratch_database(infrastructure, "rapport_bench_history") as database:
        yield database


@pytest.mark.integration
@pytest.mark.timeout(1200)
async def test_erp_orders_per_second(
    infrastructure: Infrastructure, bench_database: str, history_database: str
) -> None:
    kafka = infrastructure.kafka
    await ensure_topics(kafka, TOPICS)

    # 1. The service on an empty database.
    accounts = await prepare_accounts(infrastructure, database=bench_database, env=SETTINGS)
    start = await end_offsets(kafka)
    prefix = unique("B")
    customers = [f"{prefix}-{n}" for n in range(CUSTOMERS)]
    await publish_orders(kafka, customers, prefix)
    end = await end_offsets(kafka)
    service = await service_seconds(accounts, customers, ORDERS)
    connection = await asyncpg.connect(plain_url(accounts.database_url))
    stored = await connection.fetchval(
        "SELECT count(*) FROM accounts.orders WHERE order_id LIKE $1", f"{prefix}-SO%"
    )
    await connection.close()
    assert stored == ORDERS

    # 2. The baseline on the same records.
    admin_url = infrastructure.admin_url_for(bench_database)
    baseline = await baseline_seconds(admin_url, kafka, start, end)

    # 3. The service with the history already stored.
    history = await prepare_accounts(infrastructure, database=history_database, env=SETTINGS)
    prefix = unique("H")
    history_customers = [f"{prefix}-{n}" for n in range(CUSTOMERS)]
    in_window = await store_history(history.database_url, history_customers)
    await publish_orders(kafka, history_customers, prefix)
    with_history = await service_seconds(history, history_customers, in_window + ORDERS)

    rate, baseline_rate, history_rate = (
        ORDERS / service,
        ORDERS / baseline,
        ORDERS / with_history,
    )
    print(
        f"\nERP throughput, {ORDERS} orders for {CUSTOMERS} accounts:"
        f"\n  accounts worker, empty database:     {rate:,.0f} orders/s ({service:.2f} s)"
        f"\n  baseline pipeline, same records:     {baseline_rate:,.0f} orders/s ({baseline:.2f} s)"
        f"\n  ratio worker / baseline:             {rate / baseline_rate:.3f}"
        f"\n  accounts worker, {STORED_ORDERS:,} orders stored: {history_rate:,.0f} orders/s"
        f" ({with_history:.2f} s)"
        f"\n  ratio stored / empty:                {history_rate / rate:.3f}"
    )

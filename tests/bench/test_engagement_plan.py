"""Engagement under load: re-planning throughput after tier changes, a new cadence policy
activated for every account, and the weekly board's latency for a manager with 300 accounts.

Setup (not measured): a scratch database holding N accounts registered, classified grade B and
planned (their monthly cadence visits over the horizon and their upkeep timers), loaded by COPY
as the worker's first upkeep leaves them, with their plan events already relayed. The worker's
upkeep of a sample of them, run once, must change nothing. Everything measured goes through
the real worker process on real Kafka.

(a) N AccountClassified events move every account from B to A (a tier change) while the worker
is down; then the worker starts and the clock runs until every account is re-planned. In the
same run a bare aiokafka consumer reads the same N records as the baseline.

(b) A new cadence policy (grade A every 3 weeks instead of 2) is activated while the worker
runs; the seconds until every account's plan is on the new version (the workers' catch-up
re-plans them a batch per transaction). The baseline, in the same run on the same database, is a
bare asyncpg COPY of as many plan item rows as the re-plan wrote (added and cancelled).

(c) 300 of the accounts are assigned to one manager (AccountRegistered with the manager); then a
second process (`page_load.py`) sends GETs of that manager's weekly board to the API process,
a few at a time. The baseline, in the same run against the same API process, is GET /healthz.

Run: `make bench`, or this module alone with
`RAPPORT_BENCH_ENGAGEMENT_ACCOUNTS=100000 uv run --frozen --all-packages pytest
tests/bench/test_engagement_plan.py -s -p no:randomly` (the issue's size; default 10000). It
prints the setup's seconds, (a) tier changes/s end to end and raw records/s with their ratio,
(b) seconds until every plan is current and the COPY's seconds with their ratio, (c) the board's
and /healthz's p50 and p95 with their ratios. Only correctness is asserted.
"""

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chassis.db import asyncpg_url
from chassis.kafka import KafkaConnection
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceUnderTest,
    eventually,
    scratch_database,
    topic_partitions,
    unique,
)
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.envelope import CloudEvent, EventData
from engagement.adapters.timers_repository import UPKEEP
from engagement.bootstrap import Engagement, bootstrap
from engagement.domain.accounts import Account
from engagement.domain.cadence import DEFAULT_POLICY, replan
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement.service_layer.planning import local_day, new_item_id, start_of_day, upkeep_plans
from engagement_fixtures import classified, engagement_settings, prepare_engagement, registered
from tests.bench.page_load import measure, percentile

ACCOUNTS = int(os.environ.get("RAPPORT_BENCH_ENGAGEMENT_ACCOUNTS", "10000"))
BOARD_ACCOUNTS = 300
BOARD_REQUESTS = 500
BOARD_CONCURRENCY = 4
# Over the 8-week horizon grade A (every 2 weeks) plans at least 4 cadence visits, grade B
# (monthly) at most 3: 4 open cadence items tell an account re-planned at A spacing.
A_CADENCE_ITEMS = 4

OPEN = "state IN ('planned', 'confirmed', 'rescheduled')"
# The plan item columns the seed and the COPY baseline write (the others keep their defaults).
ITEM_COLUMNS = (
    "item_id",
    "account_id",
    "owner",
    "kind",
    "origin",
    "state",
    "due_on",
    "window_start",
    "window_end",
    "policy_version",
)


@dataclass(frozen=True)
class PlannedAccounts:
    service: ServiceUnderTest
    engine: AsyncEngine
    account_ids: list[str]
    # Accounts whose ids start with it are this run's.
    prefix: str


def plain_url(database_url: str) -> str:
    """The service's SQLAlchemy URL as asyncpg takes it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def publish(kafka: KafkaConnection, events: Sequence[EventData]) -> None:
    """Publish accounts events keyed by account, and wait for every acknowledgement."""
    producer = AIOKafkaProducer(**kafka.client_kwargs(), acks="all", linger_ms=20)
    await producer.start()
    try:
        pending: list[Any] = []
        for data in events:
            envelope = CloudEvent.wrap(data, source="accounts")
            pending.append(
                await producer.send(
                    ACCOUNTS_TOPIC, envelope.to_json_bytes(), key=envelope.subject.encode()
                )
            )
        await producer.flush()
        for future in pending:
            await future
    finally:
        await producer.stop()


async def end_offsets(kafka: KafkaConnection) -> dict[TopicPartition, int]:
    partitions = await topic_partitions(kafka, ACCOUNTS_TOPIC)
    consumer = AIOKafkaConsumer(**kafka.client_kwargs())
    await consumer.start()
    try:
        return dict(await consumer.end_offsets(partitions))
    finally:
        await consumer.stop()


async def raw_consume_seconds(
    kafka: KafkaConnection, start: dict[TopicPartition, int], count: int
) -> float:
    """Baseline: read `count` records from `start` with a bare consumer, decoding nothing."""
    consumer = AIOKafkaConsumer(**kafka.client_kwargs(), enable_auto_commit=False)
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


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.scalar(text(sql), params)


async def accounts_where(engine: AsyncEngine, prefix: str, condition: str, **params: Any) -> int:
    """How many of this run's accounts in the read model meet `condition`."""
    sql = f"SELECT count(*) FROM engagement.accounts WHERE account_id LIKE :p AND {condition}"
    return int(await scalar(engine, sql, p=f"{prefix}%", **params))


async def accounts_with_cadence(
    engine: AsyncEngine, prefix: str, *, at_least: int, created_since: datetime | None = None
) -> int:
    """How many of this run's accounts have `at_least` open cadence items (one of them created
    since `created_since`, when given)."""
    since = "AND max(created_at) >= :since" if created_since else ""
    sql = f"""
        SELECT count(*) FROM (
            SELECT account_id FROM engagement.plan_items
            WHERE account_id LIKE :p AND origin = 'cadence' AND {OPEN}
            GROUP BY account_id HAVING count(*) >= :n {since}
        ) AS planned
    """
    params: dict[str, Any] = {"p": f"{prefix}%", "n": at_least}
    if created_since:
        params["since"] = created_since
    return int(await scalar(engine, sql, **params))


def every_account(
    engine: AsyncEngine, prefix: str, condition: str, **params: Any
) -> Callable[[], Awaitable[bool]]:
    """A probe: do all of this run's accounts meet `condition`?"""

    async def probe() -> bool:
        return await accounts_where(engine, prefix, condition, **params) == ACCOUNTS

    return probe


async def seed_planned_accounts(
    app: Engagement, account_ids: list[str], managers: list[str]
) -> None:
    """Load the state the worker's first upkeep leaves after N AccountRegistered and
    AccountClassified (grade B) events, by COPY: the read model rows, each account's cadence
    visits as the domain's `replan` plans them today under the active policy, and its upkeep
    timer at the day `upkeep_plans` picks; the plan events count as relayed already (no outbox
    rows). Through Kafka and the worker this took 30 minutes at 100,000 accounts, none of it
    measured."""
    now = app.clock.now()
    today = local_day(now, app.plan)
    async with app.uow() as uow:
        policy = await uow.policies.active()
    accounts, items, timers = [], [], []
    for account_id, manager in zip(account_ids, managers, strict=True):
        account = Account(account_id, name=f"Shop {account_id}", manager=manager, grade="B")
        decision = replan(
            policy=policy,
            tier=account.tier,
            account_id=account_id,
            today=today,
            last_done=None,
            items=[],
        )
        accounts.append((account_id, account.name, manager, True, "B", "medium", policy.version))
        items += [
            (
                new_item_id(),
                account_id,
                manager,
                "visit",
                "cadence",
                "planned",
                visit.due_on,
                visit.due_on,
                visit.window_end,
                policy.version,
            )
            for visit in decision.add
        ]
        upkeep_on = min(
            [visit.window_end + timedelta(days=1) for visit in decision.add]
            + ([decision.next_entry] if decision.next_entry else [])
            + [today + timedelta(days=7)]
        )
        timers.append((account_id, UPKEEP, start_of_day(upkeep_on, app.plan)))
    connection = await asyncpg.connect(plain_url(app.settings.database_url))
    try:
        async with connection.transaction():
            await connection.copy_records_to_table(
                "accounts",
                schema_name="engagement",
                records=accounts,
                columns=(
                    "account_id",
                    "name",
                    "manager",
                    "registered",
                    "grade",
                    "value_class",
                    "plan_policy_version",
                ),
            )
            await connection.copy_records_to_table(
                "plan_items", schema_name="engagement", records=items, columns=ITEM_COLUMNS
            )
            await connection.copy_records_to_table(
                "timers",
                schema_name="engagement",
                records=timers,
                columns=("key", "kind", "due_at"),
            )
        await connection.execute(
            "ANALYZE engagement.accounts, engagement.plan_items, engagement.timers"
        )
    finally:
        await connection.close()


async def upkeep_changes_nothing(app: Engagement, account_ids: list[str]) -> bool:
    """The seed is what the worker plans: its upkeep of these accounts, run now, writes no
    event and moves no timer."""
    count = "SELECT count(*), coalesce(max(id), 0) FROM engagement.{}"
    async with app.engine.connect() as connection:
        before = [
            (await connection.execute(text(count.format(t)))).one() for t in ("outbox", "timers")
        ]
    async with app.uow() as uow:
        await upkeep_plans(uow=uow, account_ids=account_ids, now=app.clock.now(), settings=app.plan)
        await uow.commit()
    async with app.engine.connect() as connection:
        after = [
            (await connection.execute(text(count.format(t)))).one() for t in ("outbox", "timers")
        ]
    return before == after


@pytest.fixture(scope="module")
async def planned(infrastructure: Infrastructure) -> AsyncIterator[PlannedAccounts]:
    """N accounts registered, classified B and planned (seeded, see `seed_planned_accounts`),
    on a scratch database, with the worker's consumer groups at the topics' end."""
    async with scratch_database(infrastructure, "rapport_bench") as database:
        service = await prepare_engagement(
            infrastructure,
            database=database,
            # The catch-up after a policy activation looks often, so (b) measures the re-plan.
            env={"ENGAGEMENT_POLICY_POLL_SECONDS": "0.5"},
        )
        engine = create_async_engine(asyncpg_url(service.database_url))
        app = bootstrap(engagement_settings(service.env))
        prefix = unique("BE")
        account_ids = [f"{prefix}-{n}" for n in range(ACCOUNTS)]
        # About 300 accounts per manager, as in the field.
        managers = max(1, ACCOUNTS // BOARD_ACCOUNTS)
        try:
            began = time.perf_counter()
            await seed_planned_accounts(
                app, account_ids, [f"{prefix}-AM{n % managers}" for n in range(ACCOUNTS)]
            )
            seeded = time.perf_counter() - began
            assert await accounts_with_cadence(engine, prefix, at_least=1) == ACCOUNTS
            assert await upkeep_changes_nothing(app, account_ids[:: max(1, ACCOUNTS // 500)])
        finally:
            await app.dispose()
        print(f"\nEngagement setup, {ACCOUNTS} accounts planned (seeded by COPY) in {seeded:.1f} s")
        try:
            yield PlannedAccounts(service, engine, account_ids, prefix)
        finally:
            await engine.dispose()


@pytest.mark.integration
@pytest.mark.timeout(3000)
async def test_replanning_tier_changes_per_second(
    infrastructure: Infrastructure, planned: PlannedAccounts
) -> None:
    kafka = infrastructure.kafka
    engine, prefix = planned.engine, planned.prefix
    start = await end_offsets(kafka)
    await publish(kafka, [classified(a, grade="A") for a in planned.account_ids])
    since = await scalar(engine, "SELECT now()")

    async with planned.service.running("worker"):
        # The grade and the re-plan are committed in one transaction: a grade A is a re-plan.
        began = time.perf_counter()
        await eventually(every_account(engine, prefix, "grade = 'A'"), within=1500, interval=0.2)
        end_to_end = time.perf_counter() - began
    replanned = await accounts_with_cadence(
        engine, prefix, at_least=A_CADENCE_ITEMS, created_since=since
    )
    assert replanned == ACCOUNTS

    raw = await raw_consume_seconds(kafka, start, ACCOUNTS)
    e2e_rate, raw_rate = ACCOUNTS / end_to_end, ACCOUNTS / raw
    print(
        f"\nEngagement re-planning, {ACCOUNTS} tier changes (B -> A):"
        f"\n  end to end (Kafka -> re-planned):  {e2e_rate:,.0f} tier changes/s ({end_to_end:.2f} s)"
        f"\n  raw aiokafka consume (baseline):   {raw_rate:,.0f} records/s ({raw:.2f} s)"
        f"\n  ratio end-to-end / raw:            {e2e_rate / raw_rate:.4f}"
    )


async def copy_seconds(database_url: str, rows: int) -> float:
    """Baseline: a bare asyncpg COPY of `rows` plan item rows into a table of the same shape."""
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        await connection.execute(
            "CREATE TEMP TABLE copied (LIKE engagement.plan_items INCLUDING DEFAULTS)"
        )
        day = datetime(2026, 12, 2).date()
        records = [
            (f"CP-{n}", f"ACC-{n // 4}", "AM-1", "visit", "cadence", "planned", day, day, day, 2)
            for n in range(rows)
        ]
        began = time.perf_counter()
        await connection.copy_records_to_table("copied", records=records, columns=ITEM_COLUMNS)
        return time.perf_counter() - began
    finally:
        await connection.close()


@pytest.mark.integration
@pytest.mark.timeout(3000)
async def test_activating_a_new_cadence_policy_for_every_account(
    planned: PlannedAccounts,
) -> None:
    engine, prefix = planned.engine, planned.prefix
    app = bootstrap(engagement_settings(planned.service.env))
    data = DEFAULT_POLICY.to_data()
    data["intervals"]["A"] = {"weeks": 3}
    try:
        version = await actions.draft_policy(
            uow=app.uow(), command=c.DraftCadencePolicy(data=data, actor="ADM-1"), clock=app.clock
        )
        since = await scalar(engine, "SELECT now()")
        async with planned.service.running("worker"):
            began = time.perf_counter()
            await actions.activate_policy(
                uow=app.uow(),
                command=c.ActivateCadencePolicy(version, actor="ADM-1"),
                clock=app.clock,
            )
            await eventually(
                every_account(engine, prefix, "plan_policy_version = :v", v=version),
                within=2400,
                interval=0.5,
            )
            current = time.perf_counter() - began
    finally:
        await app.dispose()
    added = int(
        await scalar(
            engine,
            "SELECT count(*) FROM engagement.plan_items WHERE policy_version = :v",
            v=version,
        )
    )
    cancelled = int(
        await scalar(
            engine,
            "SELECT count(*) FROM engagement.plan_items WHERE state = 'cancelled'"
            " AND updated_at >= :since",
            since=since,
        )
    )
    assert added >= ACCOUNTS  # every account has visits at the new 3-week spacing
    copy = await copy_seconds(planned.service.database_url, added + cancelled)
    print(
        f"\nEngagement policy activation (A every 2 -> 3 weeks), {ACCOUNTS} accounts,"
        f" {added} items added and {cancelled} cancelled:"
        f"\n  activation -> every plan current:  {current:.2f} s"
        f" ({ACCOUNTS / current:,.0f} accounts/s)"
        f"\n  bare asyncpg COPY of {added + cancelled} rows (baseline): {copy:.2f} s"
        f"\n  ratio re-plan / COPY:              {current / copy:.1f}"
    )


@pytest.mark.integration
@pytest.mark.timeout(3000)
async def test_weekly_board_latency_of_a_manager_with_300_accounts(
    infrastructure: Infrastructure, planned: PlannedAccounts, keycloak: Keycloak
) -> None:
    engine, prefix = planned.engine, planned.prefix
    manager = f"{prefix}-BOARD"
    assigned = planned.account_ids[:BOARD_ACCOUNTS]
    async with planned.service.running("worker"):
        await publish(
            infrastructure.kafka,
            [registered(a, manager=manager) for a in assigned],
        )

        async def all_reassigned() -> bool:
            # The manager and the items' owner change in one transaction.
            return await accounts_where(engine, prefix, "manager = :m", m=manager) == len(assigned)

        await eventually(all_reassigned, within=300, interval=0.2)
    owned = await scalar(
        engine,
        f"SELECT count(DISTINCT account_id) FROM engagement.plan_items WHERE owner = :m AND {OPEN}",
        m=manager,
    )
    assert owned == len(assigned)

    async with planned.service.running("api") as processes:
        base_url = processes["api"].base_url
        board_url = f"{base_url}/api/v1/engagement/boards/weekly/{manager}"
        # Read as the admin, who reads every manager's board (the bench's manager is no demo
        # user); the same query as a manager's own, without the scope's filter.
        headers = keycloak.bearer("adm-01")
        async with httpx.AsyncClient(headers=headers) as client:
            board = (await client.get(board_url)).json()
        sections = ("overdue", "today_items", "tomorrow", "this_week")
        items = [item for section in sections for item in board[section]]
        assert board["manager"] == manager
        assert items and {item["owner"] for item in items} == {manager}
        health_url = f"{base_url}/healthz"
        latencies = await measure(
            [board_url, health_url],
            requests=BOARD_REQUESTS,
            concurrency=BOARD_CONCURRENCY,
            headers=headers,
        )
        board_latencies, health_latencies = latencies[board_url], latencies[health_url]

    board_p50, board_p95 = percentile(board_latencies, 0.5), percentile(board_latencies, 0.95)
    health_p50, health_p95 = percentile(health_latencies, 0.5), percentile(health_latencies, 0.95)
    print(
        f"\nWeekly board of a manager with {len(assigned)} accounts ({len(items)} items this"
        f" week; {ACCOUNTS} accounts in all), {BOARD_REQUESTS} GETs, {BOARD_CONCURRENCY} at a"
        " time from a second process:"
        f"\n  weekly board:        p50 {board_p50 * 1000:.1f} ms, p95 {board_p95 * 1000:.1f} ms"
        f"\n  /healthz (baseline): p50 {health_p50 * 1000:.1f} ms, p95 {health_p95 * 1000:.1f} ms"
        f"\n  ratio board / healthz: p50 {board_p50 / health_p50:.1f}, p95"
        f" {board_p95 / health_p95:.1f}"
    )

"""The scale generator: it fills the four migrated schemas, its read models agree with the rows
they derive from, and the same seed writes the same rows."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import asyncpg
import pytest

from chassis.testing import Infrastructure, migrate_service, scratch_database
from demo.scale import Scale, generate

SERVICES = ("accounts", "complaints", "engagement", "reporting")
SMALL = Scale(accounts=400, orders=4_000, tickets=400, as_of=datetime(2026, 12, 1, tzinfo=UTC))


@pytest.fixture
async def migrated(infrastructure: Infrastructure) -> AsyncIterator[str]:
    """The admin URL of a scratch database holding the four services' migrated schemas."""
    async with scratch_database(infrastructure, "rapport_scale") as database:
        for service in SERVICES:
            migrate_service(infrastructure, service, database=database)
        yield infrastructure.admin_url_for(database)


async def fetch(url: str, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


@pytest.mark.integration
async def test_every_schema_is_filled_and_its_read_models_agree(migrated: str) -> None:
    written = await generate(migrated, SMALL)

    assert written["accounts.accounts"] == 400
    assert written["accounts.orders"] == written["reporting.orders"] == 4_000
    assert written["engagement.orders"] == 4_000
    assert written["complaints.tickets"] == written["accounts.complaints"] == 400
    assert written["complaints.accounts"] == written["engagement.accounts"] == 400
    assert written["engagement.visits"] == written["reporting.visits"] > 0
    [figures] = await fetch(
        migrated,
        "SELECT sum(order_count_12m) AS orders, sum(net_revenue_12m) AS revenue,"
        " (SELECT sum(total) FROM reporting.orders) AS reported,"
        " count(DISTINCT account_manager) AS managers FROM accounts.accounts",
    )
    assert figures["orders"] == 4_000 and figures["revenue"] == figures["reported"]
    assert figures["managers"] == 12
    [tickets] = await fetch(
        migrated,
        "SELECT count(*) FILTER (WHERE status <> 'closed') AS open,"
        " count(*) FILTER (WHERE status <> 'closed' AND next_deadline_at IS NULL) AS undated,"
        " (SELECT count(*) FROM complaints.ticket_clocks WHERE state = 'running') AS running,"
        " (SELECT count(*) FROM complaints.timers) AS timers FROM complaints.tickets",
    )
    assert 0 < tickets["open"] == tickets["running"] == tickets["timers"] < 400
    assert tickets["undated"] == 0
    [plan] = await fetch(
        migrated,
        "SELECT count(*) FILTER (WHERE state = 'done') AS done,"
        " count(*) FILTER (WHERE state = 'planned' AND owner IS NOT NULL) AS planned,"
        " (SELECT count(*) FROM accounts.plan_items) AS mirrored,"
        " (SELECT count(*) FROM engagement.visits) AS visits FROM engagement.plan_items",
    )
    assert plan["done"] == plan["visits"] and plan["planned"] == plan["mirrored"] > 0
    [events] = await fetch(
        migrated,
        "SELECT (SELECT count(*) FROM reporting.events) AS events,"
        " (SELECT count(DISTINCT event_id) FROM reporting.account_facts)"
        " + (SELECT count(*) FROM reporting.orders) + (SELECT count(*) FROM reporting.ticket_facts)"
        " + (SELECT count(*) FROM reporting.plan_facts) + (SELECT count(*) FROM reporting.visits)"
        " + (SELECT count(*) FROM reporting.feedback) AS facts",
    )
    assert events["events"] == events["facts"]


@pytest.mark.integration
async def test_the_same_seed_writes_the_same_rows(
    infrastructure: Infrastructure, migrated: str
) -> None:
    checksum = (
        "SELECT md5(string_agg(t::text, ',' ORDER BY t.order_id)) AS sum FROM accounts.orders t"
    )
    await generate(migrated, SMALL)
    async with scratch_database(infrastructure, "rapport_scale") as database:
        for service in SERVICES:
            migrate_service(infrastructure, service, database=database)
        again = infrastructure.admin_url_for(database)
        await generate(again, SMALL)
        assert await fetch(migrated, checksum) == await fetch(again, checksum)

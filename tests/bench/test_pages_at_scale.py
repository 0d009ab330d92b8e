"""Pages at scale (issue 12): p50 and p95 of the pages a manager uses most, with 100,000
accounts, 1,000,000 orders, 100,000 tickets and a year of plans and visits stored.

Setup (timed, not a target): a scratch database, the four services' schemas migrated, the data
written by the scale generator (`demo.scale`, COPY), then the four API processes. Measured: a
second process (`page_load.py`) sends GETs of each page a few at a time with a real bearer token
of `am-01`: the account list filtered by region and grade and sorted by revenue, one account's
page, the complaints queue, AM-01's weekly board and AM-01's KPI dashboard. The baseline, in the
same run against the same API process, is GET /healthz. Only correctness is asserted: every
answer is 200 and holds what the page must show.

Run: `make bench`, or this module alone with `uv run --frozen --all-packages pytest
tests/bench/test_pages_at_scale.py -s -p no:randomly` (`RAPPORT_BENCH_SCALE_ACCOUNTS`, default
100000; `RAPPORT_BENCH_SCALE_REQUESTS`, default 100).
"""

import os
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import pytest

from accounts_fixtures import prepare_accounts
from chassis.testing import Infrastructure, Keycloak, ServiceUnderTest, scratch_database
from complaints_fixtures import prepare_complaints
from demo.scale import Scale, generate
from engagement_fixtures import prepare_engagement
from reporting_fixtures import prepare_reporting
from tests.bench.page_load import measure, percentile

ACCOUNTS = int(os.environ.get("RAPPORT_BENCH_SCALE_ACCOUNTS", "100000"))
REQUESTS = int(os.environ.get("RAPPORT_BENCH_SCALE_REQUESTS", "100"))
# Few: a slow page's warm-up requests are sent one at a time.
WARMUP = 5
CONCURRENCY = 4
TARGET_P95 = 0.050
MANAGER = "AM-01"
USER = "am-01"


@dataclass(frozen=True)
class Page:
    """A page to load: which service serves it, its path, and a text every answer holds."""

    name: str
    service: str
    path: str
    expect: str


async def pages(admin_url: str) -> list[Page]:
    """The measured pages, each with what it must show, read from the generated rows."""
    connection = await asyncpg.connect(admin_url.replace("+asyncpg", ""))
    try:
        # The list shows the signed-in manager's accounts only (scoping, decision 0016).
        first_listed = await connection.fetchval(
            "SELECT account_id FROM accounts.accounts WHERE region = 'East' AND grade = 'B'"
            " AND account_manager = $1 ORDER BY net_revenue_12m DESC, account_id LIMIT 1",
            MANAGER,
        )
        # The manager's busiest account: the account page with the most to show.
        busiest, name = await connection.fetchrow(
            "SELECT account_id, name FROM accounts.accounts WHERE account_manager = $1"
            " ORDER BY order_count_12m DESC, account_id LIMIT 1",
            MANAGER,
        )
        nearest = await connection.fetchval(
            "SELECT id FROM complaints.tickets WHERE status <> 'closed'"
            " ORDER BY next_deadline_at, severity, opened_at LIMIT 1"
        )
    finally:
        await connection.close()
    return [
        Page(
            "account list (region, grade; by revenue)",
            "accounts",
            "/accounts/?region=East&grade=B&sort=net_revenue_12m&order=desc",
            first_listed,
        ),
        Page("account page", "accounts", f"/accounts/{busiest}", name),
        Page("complaints queue", "complaints", "/complaints/", nearest),
        Page("weekly board", "engagement", f"/engagement/boards/weekly/{MANAGER}", MANAGER),
        Page(
            "KPI dashboard",
            "reporting",
            f"/reporting/?scope=manager:{MANAGER}",
            "Sales vs target",
        ),
    ]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


@pytest.mark.integration
@pytest.mark.timeout(3600)
async def test_page_latency_at_100000_accounts(
    infrastructure: Infrastructure, keycloak: Keycloak
) -> None:
    async with scratch_database(infrastructure, "rapport_bench") as database:
        accounts = await prepare_accounts(infrastructure, database=database)
        accounts_url = f"http://127.0.0.1:{accounts.setting('API_PORT')}"
        services: dict[str, ServiceUnderTest] = {
            "accounts": accounts,
            "complaints": await prepare_complaints(infrastructure, database=database),
            # The boards name contacts from the accounts API.
            "engagement": await prepare_engagement(
                infrastructure,
                database=database,
                env={"ENGAGEMENT_ACCOUNTS_API_URL": accounts_url},
            ),
            "reporting": await prepare_reporting(infrastructure, database=database),
        }
        admin_url = infrastructure.admin_url_for(database)
        as_of = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        scale = Scale(
            accounts=ACCOUNTS, orders=ACCOUNTS * 10, tickets=ACCOUNTS, seed=7, as_of=as_of
        )
        began = time.perf_counter()
        written = await generate(admin_url, scale)
        seconds = time.perf_counter() - began
        measured = await pages(admin_url)

        async with AsyncExitStack() as stack:
            base = {}
            for name, service in services.items():
                processes = await stack.enter_async_context(service.running("api"))
                base[name] = processes["api"].base_url
            figures: dict[str, tuple[float, float]] = {}
            for name in services:
                on_it = [page for page in measured if page.service == name]
                health = f"{base[name]}/healthz"
                urls = [health, *(f"{base[name]}{page.path}" for page in on_it)]
                # A fresh token for each process's run: the realm's tokens live five minutes.
                token = keycloak.password_tokens(USER)["access_token"]
                latencies = await measure(
                    urls,
                    requests=REQUESTS,
                    concurrency=CONCURRENCY,
                    warmup=WARMUP,
                    expects=["ok", *(page.expect for page in on_it)],
                    headers={"Authorization": f"Bearer {token}"},
                )
                labels = [f"{name} /healthz", *(page.name for page in on_it)]
                for label, url in zip(labels, urls, strict=True):
                    figures[label] = (
                        percentile(latencies[url], 0.5),
                        percentile(latencies[url], 0.95),
                    )

    lines = [
        f"\nPages at scale: {written['accounts.accounts']:,} accounts,"
        f" {written['accounts.orders']:,} orders, {written['complaints.tickets']:,} tickets,"
        f" {written['engagement.plan_items']:,} plan items, {written['engagement.visits']:,}"
        f" visits, {written['reporting.events']:,} reporting events (written by COPY in"
        f" {seconds:.0f} s); {REQUESTS} GETs a page, {CONCURRENCY} at a time from a second"
        f" process; target p95 <= {ms(TARGET_P95)}:"
    ]
    for page in measured:
        p50, p95 = figures[page.name]
        base50, base95 = figures[f"{page.service} /healthz"]
        lines.append(
            f"  {page.name:42} p50 {ms(p50):>9} ({p50 / base50:5.1f}x healthz),"
            f" p95 {ms(p95):>9} ({p95 / base95:5.1f}x healthz,"
            f" {p95 / TARGET_P95:4.1f}x target)"
        )
    for name in services:
        base50, base95 = figures[f"{name} /healthz"]
        lines.append(
            f"  {name + ' /healthz (baseline)':42} p50 {ms(base50):>9}, p95 {ms(base95):>9}"
        )
    print("\n".join(lines))

"""python -m demo.scale: a year of a large distributor written straight into the services'
schemas by COPY, to measure pages and APIs at scale (issue 12).

Not the ERP path: nothing goes through Kafka or the workers. The primary data (accounts, orders,
cards, tickets and their clocks, plan items, visits, feedback, targets) is generated here from a
seeded random and COPYed; each service's read models of another service's data (engagement's
and complaints' accounts, the orders engagement keeps, accounts' plan items and complaints,
reporting's facts and events) are then derived from those rows by SQL in the same database, so
they agree with them by construction. The schemas must be migrated (each service's Alembic) and
empty. Same seed, size and `--as-of`: the same rows.

    python -m demo.scale --database-url postgresql://... --accounts 100000
"""

import argparse
import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

MANAGERS = tuple(f"AM-{n:02d}" for n in range(1, 13))
# Uneven books: AM-01 has about 0.6% of the accounts (600 of 100,000), AM-12 about 13%.
MANAGER_WEIGHTS = (0.6, 2, 4, 6, 8, 9, 10, 11, 12, 12, 12.4, 13)
REGIONS = ("East", "North", "South", "West", "Central", "Northeast")
SEGMENTS = ("pharmacy", "clinic", "hospital", "retail", "wholesale")
CATEGORIES = ("medicines", "devices", "supplements", "personal care", "diagnostics")
COMPLAINT_CATEGORIES = ("delivery", "quality", "billing", "service")
CHANNELS = ("phone", "email", "on_site", "video")
OUTCOMES = ("order_placed", "opportunity", "information", "issue_raised", "no_interest")
# Days between cadence visits by grade (A every 2 weeks ... D twice a year).
CADENCE_DAYS = {"A": 14, "B": 30, "C": 91, "D": 182}
HORIZON_DAYS = 56
OPEN_TICKET_SHARE = 0.03
CARD_SHARE = 0.2
VIP_SHARE = 0.01


@dataclass(frozen=True)
class Scale:
    """How much to write, from which seed, for a year ending at `as_of`."""

    accounts: int = 100_000
    orders: int = 1_000_000
    tickets: int = 100_000
    seed: int = 7
    as_of: datetime = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass
class Book:
    """What the generated accounts are, as the later tables need them."""

    ids: list[str]
    managers: list[str]
    grades: list[str]
    weights: list[float]


def _dsn(database_url: str) -> str:
    """A SQLAlchemy URL (`postgresql+asyncpg://`) as asyncpg takes it."""
    scheme, rest = database_url.split("://", 1)
    return f"{scheme.split('+', 1)[0]}://{rest}"


def _class_by_rank(values: Sequence[float], cuts: tuple[float, float]) -> list[str]:
    """`high` for the top `cuts[0]` share, `medium` for the next, `low` for the rest."""
    order = sorted(range(len(values)), key=lambda i: -values[i])
    classes = ["low"] * len(values)
    for rank, i in enumerate(order):
        share = rank / max(1, len(values))
        if values[i] > 0 and share < cuts[0]:
            classes[i] = "high"
        elif values[i] > 0 and share < cuts[0] + cuts[1]:
            classes[i] = "medium"
    return classes


def _abc(revenues: Sequence[Decimal]) -> list[str | None]:
    """A for the accounts making the first 80% of revenue, B the next 15%, C the rest."""
    total = sum(revenues) or Decimal(1)
    classes: list[str | None] = [None] * len(revenues)
    running = Decimal(0)
    for i in sorted(range(len(revenues)), key=lambda i: -revenues[i]):
        if revenues[i] <= 0:
            continue
        classes[i] = "A" if running < total * Decimal("0.8") else "B"
        if running >= total * Decimal("0.95"):
            classes[i] = "C"
        running += revenues[i]
    return classes


GRADES = {("high", "high"): "A", ("high", "medium"): "A", ("medium", "high"): "A"}


def _grade(value: str, frequency: str) -> str:
    if (value, frequency) in GRADES:
        return GRADES[(value, frequency)]
    if "high" in (value, frequency) or (value, frequency) == ("medium", "medium"):
        return "B"
    return "C" if "medium" in (value, frequency) else "D"


def _stage(last_order: datetime | None, as_of: datetime) -> str:
    if last_order is None:
        return "prospect"
    idle = (as_of - last_order).days
    return "active" if idle <= 60 else "at_risk" if idle <= 120 else "dormant"


async def _copy(
    connection: asyncpg.Connection,
    schema: str,
    table: str,
    columns: Sequence[str],
    records: list[tuple[Any, ...]],
) -> int:
    await connection.copy_records_to_table(
        table, schema_name=schema, columns=list(columns), records=records
    )
    return len(records)


def _card(account_id: str, rng: random.Random) -> str:
    contact = {
        "contact_id": f"{account_id}-C1",
        "name": f"Contact of {account_id}",
        "position": rng.choice(("owner", "buyer", "pharmacist")),
        "phone": f"+86 21 {rng.randint(10_000_000, 99_999_999)}",
        "birthday": date(
            1960 + rng.randint(0, 35), rng.randint(1, 12), rng.randint(1, 28)
        ).isoformat(),
        "preferred_channel": rng.choice(("phone", "email")),
    }
    return json.dumps(
        {
            "contacts": [contact],
            "preferences": {"product_categories": [rng.choice(CATEGORIES)], "brands": []},
            "important_dates": [],
            "notes": [],
        }
    )


async def write_accounts(connection: asyncpg.Connection, scale: Scale, rng: random.Random) -> Book:
    """Accounts with their orders, 12-month figures, classes and some cards."""
    as_of, n = scale.as_of, scale.accounts
    ids = [f"C{i:06d}" for i in range(1, n + 1)]
    managers = rng.choices(MANAGERS, weights=MANAGER_WEIGHTS, k=n)
    # A few big buyers and a long tail, as a distributor's book is.
    weights = [min(rng.paretovariate(1.3), 200.0) for _ in ids]
    index = {account_id: i for i, account_id in enumerate(ids)}
    counts, revenue = [0] * n, [Decimal(0)] * n
    first: list[datetime | None] = [None] * n
    last: list[datetime | None] = [None] * n
    orders = []
    year = 365 * 86_400
    for number, customer in enumerate(rng.choices(ids, weights=weights, k=scale.orders)):
        placed = as_of - timedelta(seconds=rng.randrange(60, year))
        total = Decimal(rng.randint(2_000, 300_000)) / 100
        orders.append((f"SO{number:08d}", customer, placed, "CNY", total))
        i = index[customer]
        counts[i] += 1
        revenue[i] += total
        earliest, latest = first[i], last[i]
        first[i] = placed if earliest is None or placed < earliest else earliest
        last[i] = placed if latest is None or placed > latest else latest
    values = _class_by_rank([float(r) for r in revenue], (0.2, 0.3))
    frequencies = _class_by_rank([float(c) for c in counts], (0.2, 0.3))
    abc = _abc(revenue)
    grades = [_grade(v, f) for v, f in zip(values, frequencies, strict=True)]
    registered = as_of - timedelta(days=730)
    classified = as_of - timedelta(days=1)
    rows = []
    for i, account_id in enumerate(ids):
        stage = _stage(last[i], as_of)
        vip = grades[i] == "A" and rng.random() < VIP_SHARE * 10
        rows.append(
            (
                account_id,
                f"Pharmacy {account_id[1:]} {rng.choice(REGIONS)}",
                rng.choice(REGIONS),
                "CN",
                rng.choice(SEGMENTS),
                f"{rng.randint(1, 999)} Nanjing Road",
                managers[i],
                registered,
                registered,
                counts[i],
                revenue[i],
                values[i],
                frequencies[i],
                classified,
                vip,
                classified if vip else None,
                abc[i],
                grades[i] if stage != "prospect" else None,
                Decimal(rng.randint(100, 1000)) / 10,
                stage,
                classified,
                first[i],
                last[i],
            )
        )
    await _copy(
        connection,
        "accounts",
        "accounts",
        (
            "account_id",
            "name",
            "region",
            "country",
            "segment",
            "address",
            "account_manager",
            "erp_updated_at",
            "registered_at",
            "order_count_12m",
            "net_revenue_12m",
            "value_class",
            "frequency_class",
            "classified_at",
            "vip",
            "vip_since",
            "abc_class",
            "grade",
            "score",
            "lifecycle_stage",
            "lifecycle_changed_at",
            "first_order_at",
            "last_order_at",
        ),
        rows,
    )
    await _copy(
        connection,
        "accounts",
        "orders",
        ("order_id", "customer_id", "placed_at", "currency", "total"),
        orders,
    )
    carded = [account_id for account_id in ids if rng.random() < CARD_SHARE]
    saved = as_of - timedelta(days=30)
    cards = [(account_id, 1, _card(account_id, rng), "AM-01", saved) for account_id in carded]
    await _copy(
        connection,
        "accounts",
        "cards",
        ("account_id", "version", "content", "updated_by", "updated_at"),
        cards,
    )
    await _copy(
        connection,
        "accounts",
        "card_versions",
        ("account_id", "version", "changed_by", "changed_at", "content", "changes"),
        [(a, v, by, at, content, "[]") for a, v, content, by, at in cards],
    )
    return Book(ids, managers, [g or "D" for g in grades], weights)


async def _active_version(connection: asyncpg.Connection, sql: str) -> int:
    version = await connection.fetchval(sql)
    if version is None:
        raise SystemExit(f"no active policy ({sql}): are the schemas migrated?")
    return int(version)


def _ticket_clocks(
    ticket_id: str, opened: datetime, closed: datetime | None, breached: bool
) -> Iterator[tuple[Any, ...]]:
    """The respond and resolve clocks of a ticket: stopped when it closed, else resolve runs."""
    for clock, budget, thresholds in (
        ("respond", timedelta(minutes=15), "[75, 90]"),
        ("resolve", timedelta(hours=48), "[50, 75, 90]"),
    ):
        deadline = opened + budget
        done = closed if clock == "resolve" else opened + budget * 0.5
        running = closed is None and clock == "resolve"
        stopped = None if running else done
        late = breached and clock == "resolve"
        yield (
            ticket_id,
            clock,
            int(budget.total_seconds() // 60),
            "minutes",
            None,
            clock == "resolve",
            thresholds,
            "running" if running else "stopped",
            0,
            budget,
            timedelta(0) if running else min(budget, (stopped or opened) - opened),
            opened,
            opened,
            deadline,
            timedelta(0),
            stopped,
            0,
            deadline if late else None,
        )


async def write_complaints(
    connection: asyncpg.Connection, scale: Scale, book: Book, rng: random.Random
) -> None:
    """Tickets over the year, most of them closed; the open ones with a running resolve clock
    and its timer."""
    policy = await _active_version(
        connection, "SELECT max(version) FROM complaints.sla_policies WHERE active"
    )
    await connection.execute(
        """
        INSERT INTO complaints.accounts (account_id, name, registered, tier, frequency_class, vip)
        SELECT account_id, name, true, value_class, frequency_class, vip FROM accounts.accounts
        """
    )
    tickets: list[tuple[Any, ...]] = []
    clocks: list[tuple[Any, ...]] = []
    timers: list[tuple[Any, ...]] = []
    tiers = dict(await connection.fetch("SELECT account_id, tier FROM complaints.accounts"))
    year = 365 * 86_400
    for number, account_id in enumerate(
        rng.choices(book.ids, weights=book.weights, k=scale.tickets)
    ):
        ticket_id = f"T{number:07d}"
        is_open = rng.random() < OPEN_TICKET_SHARE
        age = rng.randrange(600, 3 * 86_400) if is_open else rng.randrange(3 * 86_400, year)
        opened = scale.as_of - timedelta(seconds=age)
        breached = rng.random() < 0.08
        closed = (
            None if is_open else opened + timedelta(hours=rng.uniform(2, 60 if breached else 40))
        )
        milestones = {"filed": opened.isoformat()}
        if closed:
            milestones["closed"] = closed.isoformat()
        status = rng.choice(("received", "acknowledged", "investigating")) if is_open else "closed"
        deadline = opened + timedelta(hours=48)
        tickets.append(
            (
                ticket_id,
                account_id,
                f"Contact of {account_id}",
                rng.choice(("hotline", "email", "visit")),
                rng.choice(COMPLAINT_CATEGORIES),
                rng.choice((1, 2, 2, 3, 3, 3)),
                "Generated complaint",
                "[]",
                policy,
                tiers[account_id],
                False,
                opened,
                "CH-01",
                status,
                None if is_open else "service",
                "CH-01",
                None if is_open else "apology",
                json.dumps(milestones),
                deadline if is_open else None,
                closed or opened,
                None if is_open else rng.randint(1, 5),
            )
        )
        clocks.extend(_ticket_clocks(ticket_id, opened, closed, breached))
        if is_open:
            timers.append((ticket_id, "clock:resolve", deadline, "{}"))
    await _copy(
        connection,
        "complaints",
        "tickets",
        (
            "id",
            "account_id",
            "contact",
            "channel",
            "category",
            "severity",
            "description",
            "order_refs",
            "policy_version",
            "tier",
            "vip",
            "opened_at",
            "opened_by",
            "status",
            "department",
            "handler",
            "remedy",
            "milestones",
            "next_deadline_at",
            "updated_at",
            "satisfaction",
        ),
        tickets,
    )
    await _copy(
        connection,
        "complaints",
        "ticket_clocks",
        (
            "ticket_id",
            "clock",
            "amount",
            "unit",
            "calendar",
            "pausable",
            "thresholds",
            "state",
            "cycle",
            "budget",
            "consumed",
            "started_at",
            "segment_start",
            "deadline",
            "paused_total",
            "stopped_at",
            "warnings_fired",
            "breached_at",
        ),
        clocks,
    )
    await _copy(connection, "complaints", "timers", ("key", "kind", "due_at", "payload"), timers)
    # The accounts service's signal read model of the same tickets.
    await connection.execute(
        """
        INSERT INTO accounts.complaints (ticket_id, account_id, category, severity, filed_at)
        SELECT id, account_id, category, severity, opened_at FROM complaints.tickets
        """
    )


async def write_engagement(
    connection: asyncpg.Connection, scale: Scale, book: Book, rng: random.Random
) -> None:
    """A year of cadence visits (done, missed or cancelled) and the open ones of the horizon,
    the visits logged for the done ones, some feedback, and each manager's monthly targets."""
    # No row is the default policy, version 1, until one is activated.
    policy = await _active_version(
        connection,
        "SELECT coalesce(max(version), 1) FROM engagement.cadence_policies WHERE state = 'active'",
    )
    await connection.execute(
        """
        INSERT INTO engagement.accounts (account_id, name, manager, registered, grade,
            value_class, abc_class, vip, lifecycle, first_order_on, plan_policy_version)
        SELECT account_id, name, account_manager, true, grade, value_class, abc_class, vip,
            lifecycle_stage, (first_order_at AT TIME ZONE 'UTC')::date, $1
        FROM accounts.accounts
        """,
        policy,
    )
    await connection.execute(
        """
        INSERT INTO engagement.orders (order_id, account_id, placed_on, total, currency)
        SELECT order_id, customer_id, (placed_at AT TIME ZONE 'UTC')::date, total, currency
        FROM accounts.orders
        """
    )
    today = scale.as_of.date()
    items, visits, feedback = [], [], []
    created = scale.as_of - timedelta(days=400)
    for account_id, manager, grade in zip(book.ids, book.managers, book.grades, strict=True):
        step = CADENCE_DAYS[grade]
        due = today - timedelta(days=365 - rng.randrange(step))
        while due <= today + timedelta(days=HORIZON_DAYS):
            item_id = f"PI-{account_id}-{due.isoformat()}"
            roll = rng.random()
            state = (
                "planned"
                if due >= today
                else "done"
                if roll < 0.85
                else "missed"
                if roll < 0.95
                else "cancelled"
            )
            visit_id = f"V-{item_id[3:]}" if state == "done" else None
            done_at = None
            if visit_id is not None:
                occurred = due + timedelta(days=rng.randrange(3))
                done_at = datetime(occurred.year, occurred.month, occurred.day, 17, tzinfo=UTC)
                visits.append(
                    (
                        visit_id,
                        account_id,
                        manager,
                        item_id,
                        occurred,
                        rng.choice(CHANNELS),
                        rng.randint(10, 90),
                        rng.choice(OUTCOMES),
                        done_at,
                    )
                )
                if rng.random() < 0.3:
                    feedback.append(
                        (
                            f"FB-{visit_id}",
                            account_id,
                            manager,
                            "visit",
                            rng.choice((3, 4, 4, 5, 5)),
                            rng.choice((None, rng.randint(0, 10))),
                            visit_id,
                            done_at + timedelta(hours=2),
                        )
                    )
            items.append(
                (
                    item_id,
                    account_id,
                    manager,
                    "visit",
                    "cadence",
                    state,
                    due,
                    due,
                    due + timedelta(days=3),
                    policy,
                    visit_id,
                    created,
                    done_at or created,
                    done_at,
                )
            )
            due += timedelta(days=step)
    await _copy(
        connection,
        "engagement",
        "plan_items",
        (
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
            "visit_id",
            "created_at",
            "updated_at",
            "done_at",
        ),
        items,
    )
    await _copy(
        connection,
        "engagement",
        "visits",
        (
            "visit_id",
            "account_id",
            "manager",
            "item_id",
            "occurred_on",
            "channel",
            "duration_minutes",
            "outcome",
            "logged_at",
        ),
        visits,
    )
    await _copy(
        connection,
        "engagement",
        "feedback",
        (
            "feedback_id",
            "account_id",
            "manager",
            "context",
            "csat",
            "nps",
            "visit_id",
            "responded_at",
        ),
        feedback,
    )
    months = [
        date(today.year - (today.month <= m), (today.month - m - 1) % 12 + 1, 1) for m in range(12)
    ]
    await _copy(
        connection,
        "engagement",
        "targets",
        ("manager", "month", "amount", "currency", "set_by", "set_at"),
        [
            (manager, month, Decimal(rng.randint(50, 900) * 10_000), "CNY", "SUP-01", created)
            for manager in MANAGERS
            for month in months
        ],
    )
    await connection.execute(
        """
        UPDATE engagement.accounts a SET last_done_on = v.last
        FROM (SELECT account_id, max(occurred_on) AS last FROM engagement.visits
              GROUP BY account_id) v
        WHERE a.account_id = v.account_id
        """
    )
    # What the accounts service keeps of the plan for its account page.
    await connection.execute(
        """
        INSERT INTO accounts.plan_items (item_id, account_id, kind, origin, state, due_on)
        SELECT item_id, account_id, kind, origin, state, due_on FROM engagement.plan_items
        WHERE state IN ('planned', 'confirmed', 'rescheduled')
        """
    )
    await connection.execute(
        """
        INSERT INTO accounts.account_contacts (account_id, last_contact_on, last_contact_channel,
            next_contact_due, next_contact_kind, next_contact_origin)
        SELECT a.account_id, v.occurred_on, v.channel, p.due_on, p.kind, p.origin
        FROM accounts.accounts a
        LEFT JOIN LATERAL (SELECT occurred_on, channel FROM engagement.visits
            WHERE account_id = a.account_id ORDER BY occurred_on DESC LIMIT 1) v ON true
        LEFT JOIN LATERAL (SELECT due_on, kind, origin FROM engagement.plan_items
            WHERE account_id = a.account_id AND state = 'planned'
            ORDER BY due_on LIMIT 1) p ON true
        """
    )
    await connection.execute(
        """
        INSERT INTO accounts.feedback (feedback_id, account_id, csat, nps, context, responded_at)
        SELECT feedback_id, account_id, csat, nps, context, responded_at FROM engagement.feedback
        """
    )


# Reporting's read models, as its worker writes them from the events of the rows above: the
# event id, type and topic each fact would have come with, and an arrival a second after it.
REPORTING = (
    """
    INSERT INTO reporting.account_facts (event_id, attribute, account_id, value, occurred_at,
        arrived_at)
    SELECT 'gen-registered-' || account_id, attribute, account_id, value, registered_at,
        registered_at + interval '1 second'
    FROM accounts.accounts, LATERAL (VALUES ('registered', origin), ('manager', account_manager),
        ('region', region), ('segment', segment), ('referred_by', referred_by)) v(attribute, value)
    UNION ALL
    SELECT 'gen-classified-' || account_id, attribute, account_id, value, classified_at,
        classified_at + interval '1 second'
    FROM accounts.accounts, LATERAL (VALUES ('value_class', value_class), ('abc_class', abc_class),
        ('grade', grade)) v(attribute, value)
    WHERE value IS NOT NULL
    UNION ALL
    SELECT 'gen-stage-' || account_id, 'stage', account_id, lifecycle_stage,
        lifecycle_changed_at, lifecycle_changed_at + interval '1 second'
    FROM accounts.accounts WHERE lifecycle_changed_at IS NOT NULL
    UNION ALL
    SELECT 'gen-vip-' || account_id, 'vip', account_id, 'vip', vip_since,
        vip_since + interval '1 second'
    FROM accounts.accounts WHERE vip
    """,
    """
    INSERT INTO reporting.orders (order_id, event_id, account_id, currency, total, occurred_at,
        arrived_at)
    SELECT order_id, 'gen-order-' || order_id, customer_id, currency, total, placed_at,
        placed_at + interval '1 second'
    FROM accounts.orders
    """,
    """
    INSERT INTO reporting.order_lines (order_id, line, category, amount)
    SELECT order_id, 0, (ARRAY['medicines', 'devices', 'supplements', 'personal care',
        'diagnostics'])[1 + abs(hashtext(order_id)) % 5], total
    FROM accounts.orders
    """,
    """
    INSERT INTO reporting.ticket_facts (event_id, ticket_id, account_id, kind, clock, severity,
        occurred_at, arrived_at)
    SELECT 'gen-filed-' || id, id, account_id, 'filed', NULL, severity, opened_at,
        opened_at + interval '1 second'
    FROM complaints.tickets
    UNION ALL
    SELECT 'gen-' || CASE WHEN c.breached_at IS NULL THEN 'met' ELSE 'breached' END || '-'
        || c.ticket_id || '-' || c.clock, c.ticket_id, t.account_id,
        CASE WHEN c.breached_at IS NULL THEN 'met' ELSE 'breached' END, c.clock,
        CASE WHEN c.breached_at IS NULL THEN NULL ELSE t.severity END,
        coalesce(c.breached_at, c.stopped_at), coalesce(c.breached_at, c.stopped_at)
        + interval '1 second'
    FROM complaints.ticket_clocks c JOIN complaints.tickets t ON t.id = c.ticket_id
    WHERE c.state = 'stopped'
    """,
    """
    INSERT INTO reporting.plan_facts (event_id, item_id, account_id, owner, kind, state, due_on,
        on_time, occurred_at, arrived_at)
    SELECT 'gen-planned-' || item_id, item_id, account_id, owner, kind, 'planned', due_on, NULL,
        created_at, created_at + interval '1 second'
    FROM engagement.plan_items
    UNION ALL
    SELECT 'gen-' || state || '-' || item_id, item_id, account_id, owner, kind, state, due_on,
        CASE WHEN state = 'done' THEN done_at::date <= window_end END,
        coalesce(done_at, (due_on + 4)::timestamp AT TIME ZONE 'UTC'),
        coalesce(done_at, (due_on + 4)::timestamp AT TIME ZONE 'UTC') + interval '1 second'
    FROM engagement.plan_items WHERE state IN ('done', 'missed', 'cancelled')
    """,
    """
    INSERT INTO reporting.visits (visit_id, event_id, account_id, manager, occurred_on, channel,
        outcome, occurred_at, arrived_at)
    SELECT visit_id, 'gen-visit-' || visit_id, account_id, manager, occurred_on, channel,
        outcome, occurred_on::timestamp AT TIME ZONE 'UTC', logged_at
    FROM engagement.visits
    """,
    """
    INSERT INTO reporting.feedback (feedback_id, event_id, account_id, manager, csat, nps,
        context, occurred_at, arrived_at)
    SELECT feedback_id, 'gen-feedback-' || feedback_id, account_id, manager, csat, nps, context,
        responded_at, responded_at + interval '1 second'
    FROM engagement.feedback
    """,
    """
    INSERT INTO reporting.targets (event_id, manager, month, currency, amount, occurred_at,
        arrived_at)
    SELECT 'gen-target-' || manager || '-' || to_char(month, 'YYYY-MM'), manager,
        to_char(month, 'YYYY-MM'), currency, amount, set_at, set_at + interval '1 second'
    FROM engagement.targets
    """,
    # One event row per event the facts came with (a registration sets several attributes).
    """
    INSERT INTO reporting.events (event_id, type, topic, account_id, occurred_at, arrived_at)
    SELECT DISTINCT ON (event_id) event_id,
        CASE split_part(event_id, '-', 2)
            WHEN 'registered' THEN 'accounts.account.registered.v1'
            WHEN 'classified' THEN 'accounts.account.classified.v1'
            WHEN 'stage' THEN 'accounts.account.lifecycle_changed.v1'
            ELSE 'accounts.account.vip_granted.v1' END,
        'accounts.accounts.v1', account_id, occurred_at, arrived_at
    FROM reporting.account_facts
    UNION ALL
    SELECT event_id, 'erp.order.placed.v1', 'erp.orders.v1', account_id, occurred_at, arrived_at
    FROM reporting.orders
    UNION ALL
    SELECT event_id, 'complaints.ticket.' || CASE kind WHEN 'filed' THEN 'filed'
        WHEN 'met' THEN 'sla_met' ELSE 'sla_breached' END || '.v1', 'complaints.tickets.v1',
        account_id, occurred_at, arrived_at
    FROM reporting.ticket_facts
    UNION ALL
    SELECT event_id, 'engagement.plan_item.' || state || '.v1', 'engagement.plan.v1', account_id,
        occurred_at, arrived_at
    FROM reporting.plan_facts
    UNION ALL
    SELECT event_id, 'engagement.visit.logged.v1', 'engagement.plan.v1', account_id,
        occurred_at, arrived_at
    FROM reporting.visits
    UNION ALL
    SELECT event_id, 'engagement.feedback.recorded.v1', 'engagement.feedback.v1', account_id,
        occurred_at, arrived_at
    FROM reporting.feedback
    """,
)

TABLES = {
    "accounts": (
        "accounts",
        "orders",
        "cards",
        "card_versions",
        "complaints",
        "plan_items",
        "account_contacts",
        "feedback",
    ),
    "complaints": ("accounts", "tickets", "ticket_clocks", "timers"),
    "engagement": ("accounts", "orders", "plan_items", "visits", "feedback", "targets"),
    "reporting": (
        "events",
        "account_facts",
        "orders",
        "order_lines",
        "ticket_facts",
        "plan_facts",
        "visits",
        "feedback",
        "targets",
    ),
}


async def generate(database_url: str, scale: Scale) -> dict[str, int]:
    """Write the data set; return the rows of every table written (`schema.table`)."""
    rng = random.Random(scale.seed)
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        if await connection.fetchval("SELECT to_regclass('reporting.events')") is None:
            raise SystemExit("the services' schemas are not migrated in this database")
        if await connection.fetchval("SELECT EXISTS (SELECT FROM accounts.accounts)"):
            raise SystemExit("accounts.accounts is not empty: generate into a fresh database")
        async with connection.transaction():
            book = await write_accounts(connection, scale, rng)
            await write_complaints(connection, scale, book, rng)
            await write_engagement(connection, scale, book, rng)
            for statement in REPORTING:
                await connection.execute(statement)
        written = {}
        for schema, tables in TABLES.items():
            for table in tables:
                # As a deployment's tables are: vacuumed and analysed, so plans are the real ones.
                await connection.execute(f"VACUUM (ANALYZE) {schema}.{table}")
                written[f"{schema}.{table}"] = int(
                    await connection.fetchval(f"SELECT count(*) FROM {schema}.{table}")
                )
        return written
    finally:
        await connection.close()


def _as_of(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.scale", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL"),
        help="the database holding the services' migrated schemas (env DATABASE_URL)",
    )
    parser.add_argument("--accounts", type=int, default=100_000, help="accounts (100000)")
    parser.add_argument("--orders", type=int, default=None, help="orders (10 per account)")
    parser.add_argument("--tickets", type=int, default=None, help="tickets (1 per account)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        help="end of the year, ISO 8601 (default: the start of the current UTC day)",
    )
    args = parser.parse_args(argv)
    if not args.database_url or args.accounts < 1:
        parser.error("--database-url (or DATABASE_URL) and --accounts >= 1 are needed")
    scale = Scale(
        accounts=args.accounts,
        orders=args.orders if args.orders is not None else args.accounts * 10,
        tickets=args.tickets if args.tickets is not None else args.accounts,
        seed=args.seed,
        as_of=args.as_of or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0),
    )
    began = time.perf_counter()
    written = asyncio.run(generate(args.database_url, scale))
    for table, rows in written.items():
        print(f"{table:32} {rows:>10,}")
    print(f"written in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

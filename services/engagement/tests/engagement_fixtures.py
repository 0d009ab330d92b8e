"""The engagement service in tests: its processes on a migrated schema, the service wired to it
in-process with a clock the test moves, and helpers that feed it accounts, orders and tickets
the way production does (through its own event handlers).

A pytest plugin (registered by the root `conftest.py`), so the engagement tests and the
cross-service suites share one definition.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from chassis.clock import FixedClock
from chassis.kafka import ReceivedEvent
from chassis.testing import (
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    SignedInAs,
    unique,
)
from contracts import accounts_v1, complaints_v1, erp_v1
from contracts.envelope import CloudEvent, EventData
from engagement.bootstrap import Engagement, bootstrap
from engagement.config import EngagementSettings
from engagement.entrypoints.api import create
from engagement.service_layer.handlers import (
    apply_account_events,
    apply_order_events,
    apply_ticket_events,
)

# Wednesday 2 December 2026, 10:00 in Shanghai.
T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)

# Demo users of the realm the engagement tests act as (deploy/local/keycloak/rapport-realm.json):
# SUP-01 leads the east team (AM-01 to AM-03, and each test's own managers: `add_account`);
# AM-04 and SUP-02 are the south team's; ADM-01 sets policies, teams and the calendar.
MANAGER, TEAM_MANAGER, OTHER_MANAGER = "am-01", "am-02", "am-04"
SUPERVISOR, OTHER_SUPERVISOR, ADMIN = "sup-01", "sup-02", "adm-01"
TEAM = "east"

# Consumer group suffix -> the topics it reads (started at their end for each test session).
ENGAGEMENT_CONSUMES: dict[str, list[str]] = {
    "accounts": [accounts_v1.ACCOUNTS_TOPIC],
    "orders": [erp_v1.ORDERS_TOPIC],
    "tickets": [complaints_v1.TICKETS_TOPIC],
}


async def prepare_engagement(
    infrastructure: Infrastructure,
    *,
    database: str | None = None,
    env: dict[str, str] | None = None,
) -> ServiceUnderTest:
    """The engagement service on a migrated schema; it reads its topics from their end."""
    return await ServiceUnderTest.prepare(
        infrastructure, "engagement", consumes=ENGAGEMENT_CONSUMES, database=database, env=env
    )


@pytest.fixture(scope="session")
async def engagement_service(infrastructure: Infrastructure) -> ServiceUnderTest:
    """The session's engagement service, its relay and gauges refreshing often."""
    return await prepare_engagement(
        infrastructure,
        env={"ENGAGEMENT_OUTBOX_POLL_SECONDS": "0.5", "ENGAGEMENT_GAUGE_REFRESH_SECONDS": "0.5"},
    )


@pytest.fixture(scope="session")
async def engagement_api(
    engagement_service: ServiceUnderTest,
) -> AsyncIterator[ServiceProcess]:
    async with engagement_service.running("api") as processes:
        yield processes["api"]


def engagement_settings(env: dict[str, str], **overrides: Any) -> EngagementSettings:
    return EngagementSettings(
        database_url=env["ENGAGEMENT_DATABASE_URL"],
        kafka_bootstrap_servers=env["ENGAGEMENT_KAFKA_BOOTSTRAP_SERVERS"],
        kafka_username=env["ENGAGEMENT_KAFKA_USERNAME"],
        kafka_password=env["ENGAGEMENT_KAFKA_PASSWORD"],
        **overrides,
    )


@pytest.fixture
async def engagement(engagement_service: ServiceUnderTest) -> AsyncIterator[Engagement]:
    """The service's composition root on the test schema, at T0 by a clock the test moves."""
    app = bootstrap(engagement_settings(engagement_service.env), clock=FixedClock(T0))
    yield app
    await app.dispose()


def received(data: EventData, topic: str) -> ReceivedEvent:
    envelope = CloudEvent.wrap(data, source=topic.split(".")[0])
    return ReceivedEvent(envelope, data, topic, 0, 0)


def join_team(app: Engagement, manager: str, team: str = TEAM) -> None:
    """Put a test's own manager on `team` (east by default), so SUP-01's token reaches their
    accounts: each test keeps boards of its own, seen through a real supervisor's scope."""
    app.teams = {**app.teams, team: app.teams.get(team, frozenset()) | {manager}}


class SignedInByRoute(SignedInAs):
    """`SignedInAs` SUP-01, but cadence policies, teams and the calendar are asked as the
    admin, whose they are."""

    def __init__(self, keycloak: Keycloak) -> None:
        super().__init__(keycloak, SUPERVISOR)

    def user_for(self, request: httpx.Request) -> str:
        if request.url.path.startswith(ADMIN_PATHS):
            return ADMIN
        return super().user_for(request)


ADMIN_PATHS = tuple(f"/api/v1/engagement/{path}" for path in ("policies", "calendar", "teams"))


@asynccontextmanager
async def signed_in(
    app: Engagement, keycloak: Keycloak, username: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app in process, asked with a real token of `username` (by default SUP-01,
    and the admin for what is theirs: `SignedInByRoute`) unless a request sends its own
    `Authorization`."""
    auth = SignedInAs(keycloak, username) if username else SignedInByRoute(keycloak)
    transport = httpx.ASGITransport(app=create(app))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://rapport", auth=auth
    ) as client:
        yield client


async def feed_accounts(app: Engagement, events: Sequence[EventData]) -> None:
    """Apply accounts events through the consumer's handler."""
    await apply_account_events(
        uow=app.uow(),
        consumer="engagement.accounts",
        events=[received(data, accounts_v1.ACCOUNTS_TOPIC) for data in events],
        now=app.clock.now(),
        settings=app.plan,
    )


async def feed_orders(app: Engagement, events: Sequence[EventData]) -> None:
    await apply_order_events(
        uow=app.uow(),
        consumer="engagement.orders",
        events=[received(data, erp_v1.ORDERS_TOPIC) for data in events],
        now=app.clock.now(),
        settings=app.plan,
    )


async def feed_tickets(app: Engagement, events: Sequence[EventData]) -> None:
    await apply_ticket_events(
        uow=app.uow(),
        consumer="engagement.tickets",
        events=[received(data, complaints_v1.TICKETS_TOPIC) for data in events],
        now=app.clock.now(),
        settings=app.plan,
    )


def registered(account_id: str, *, manager: str | None, at: datetime = T0) -> EventData:
    return accounts_v1.AccountRegistered(
        account_id=account_id,
        name=f"Shop {account_id}",
        region="East",
        country="CN",
        segment="pharmacy",
        account_manager=manager,
        registered_at=at,
    )


def classified(account_id: str, *, grade: str, at: datetime = T0) -> EventData:
    value_class = {"A": "high", "B": "medium"}.get(grade, "low")
    return accounts_v1.AccountClassified.model_validate(
        {
            "account_id": account_id,
            "value_class": value_class,
            "frequency_class": "medium",
            "reason": "test",
            "inputs": {
                "order_count_12m": 3,
                "net_revenue_12m": "300000",
                "currency": "CNY",
                "window_start": at - timedelta(days=365),
                "window_end": at,
                "value_high_threshold": "500000",
                "value_medium_threshold": "300000",
                "frequency_high_threshold": 5,
                "frequency_medium_threshold": 3,
            },
            "classified_at": at,
            "grade": grade,
        }
    )


def order_placed(account_id: str, *, at: datetime, total: str = "1000.00") -> EventData:
    return erp_v1.OrderPlaced(
        order_id=unique("SO"),
        customer_id=account_id,
        placed_at=at,
        currency="CNY",
        total=Decimal(total),
    )


async def add_account(
    app: Engagement, *, grade: str | None = "B", vip: bool = False, manager: str | None = None
) -> tuple[str, str]:
    """A registered (and, with a grade, classified) account; returns (account id, manager).
    A manager made up for it joins SUP-01's team (`join_team`)."""
    account_id = unique("C")
    if manager is None:
        manager = unique("AM")
        join_team(app, manager)
    events: list[EventData] = [registered(account_id, manager=manager)]
    if grade:
        events.append(classified(account_id, grade=grade))
    if vip:
        events.append(
            accounts_v1.AccountVipGranted(
                account_id=account_id,
                nominated_by=manager,
                approved_by="SUP-1",
                reason="key account",
                granted_at=T0,
            )
        )
    await feed_accounts(app, events)
    return account_id, manager

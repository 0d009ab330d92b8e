"""The complaints service in tests: its processes on a migrated schema, the service wired to it
in-process, and helpers that feed it accounts and policies the way production does (through its
own handlers).

A pytest plugin (registered by the root `conftest.py`), so the complaints tests and the
cross-service suites (tests/e2e, tests/browser) share one definition.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chassis.clock import FixedClock
from chassis.kafka import ReceivedEvent
from chassis.testing import Infrastructure, Keycloak, ServiceProcess, ServiceUnderTest, unique
from complaints.bootstrap import Complaints, bootstrap
from complaints.config import ComplaintsSettings
from complaints.service_layer.commands import PublishPolicy
from complaints.service_layer.handlers import apply_account_events, publish_policy
from contracts import accounts_v1
from contracts.envelope import CloudEvent, EventData

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # a Friday


COMPLAINTS_CONSUMES = {"accounts": [accounts_v1.ACCOUNTS_TOPIC]}


async def prepare_complaints(
    infrastructure: Infrastructure,
    *,
    database: str | None = None,
    env: dict[str, str] | None = None,
) -> ServiceUnderTest:
    """The complaints service on a migrated schema; it reads the accounts topic from its end
    (tests publish the accounts they need)."""
    return await ServiceUnderTest.prepare(
        infrastructure, "complaints", consumes=COMPLAINTS_CONSUMES, database=database, env=env
    )


@pytest.fixture(scope="session")
async def complaints_service(infrastructure: Infrastructure) -> ServiceUnderTest:
    """The session's complaints service, its relay polling often."""
    return await prepare_complaints(infrastructure, env={"COMPLAINTS_OUTBOX_POLL_SECONDS": "0.5"})


@pytest.fixture(scope="session")
def complaints_env(complaints_service: ServiceUnderTest) -> dict[str, str]:
    return complaints_service.env


def settings_from(env: dict[str, str], **overrides: Any) -> ComplaintsSettings:
    return ComplaintsSettings(
        database_url=env["COMPLAINTS_DATABASE_URL"],
        kafka_bootstrap_servers=env["COMPLAINTS_KAFKA_BOOTSTRAP_SERVERS"],
        kafka_username=env["COMPLAINTS_KAFKA_USERNAME"],
        kafka_password=env["COMPLAINTS_KAFKA_PASSWORD"],
        **overrides,
    )


@pytest.fixture
async def complaints(complaints_env: dict[str, str]) -> AsyncIterator[Complaints]:
    """The service's composition root on the test schema, with a clock the test moves."""
    app = bootstrap(
        settings_from(complaints_env, ops_escalation_after=timedelta(hours=1)),
        clock=FixedClock(T0),
    )
    yield app
    await app.dispose()


def received(data: EventData) -> ReceivedEvent:
    envelope = CloudEvent.wrap(data, source="accounts")
    return ReceivedEvent(envelope, data, accounts_v1.ACCOUNTS_TOPIC, 0, 0)


async def add_account(
    app: Complaints,
    *,
    tier: str | None = "medium",
    vip: bool = False,
    name: str = "Acme Trading",
    manager: str | None = None,
) -> str:
    """Register an account through the accounts-events handler, as the consumer would."""
    account_id = unique("C")
    now = datetime.now(UTC)
    events: list[EventData] = [
        accounts_v1.AccountRegistered(
            account_id=account_id,
            name=name,
            region="East",
            country="CN",
            segment="pharmacy",
            account_manager=manager,
            registered_at=now,
        )
    ]
    if tier:
        events.append(
            accounts_v1.AccountClassified.model_validate(
                {
                    "account_id": account_id,
                    "value_class": tier,
                    "frequency_class": "medium",
                    "reason": "test",
                    "inputs": {
                        "order_count_12m": 3,
                        "net_revenue_12m": "300000",
                        "currency": "CNY",
                        "window_start": now - timedelta(days=365),
                        "window_end": now,
                        "value_high_threshold": "500000",
                        "value_medium_threshold": "300000",
                        "frequency_high_threshold": 5,
                        "frequency_medium_threshold": 3,
                    },
                    "classified_at": now,
                }
            )
        )
    if vip:
        events.append(
            accounts_v1.AccountVipGranted(
                account_id=account_id,
                nominated_by="am-1",
                approved_by="head-1",
                reason="top 10",
                granted_at=now,
            )
        )
    await apply_account_events(
        uow=app.uow(), consumer="complaints.accounts", events=[received(e) for e in events]
    )
    return account_id


async def use_policy(app: Complaints, rules: list[dict[str, Any]], **document: Any) -> int:
    """Publish and activate a policy; returns its version."""
    policy = await publish_policy(
        uow=app.uow(),
        command=PublishPolicy(document={"rules": rules, **document}, actor="test-admin"),
        clock=app.clock,
    )
    return policy.version


AccountMaker = Callable[..., Awaitable[str]]
PolicyMaker = Callable[..., Awaitable[int]]


@pytest.fixture
def new_account(complaints: Complaints) -> AccountMaker:
    """`await new_account(tier="high", vip=True)` -> a registered account id."""
    return lambda **options: add_account(complaints, **options)


@pytest.fixture
def activate_policy(complaints: Complaints) -> PolicyMaker:
    """`await activate_policy(rules, warning_thresholds=[50])` -> the active version."""
    return lambda rules, **document: use_policy(complaints, rules, **document)


@pytest.fixture
async def live_complaints(complaints_env: dict[str, str]) -> AsyncIterator[Complaints]:
    """The service's composition root on the real clock, for tests against a running worker."""
    app = bootstrap(settings_from(complaints_env))
    yield app
    await app.dispose()


@pytest.fixture
def complaints_worker(complaints_service: ServiceUnderTest) -> Iterator[ServiceProcess]:
    """The real worker process (not started yet): `await complaints_worker.start().wait_ready()`."""
    worker = complaints_service.process("worker")
    yield worker
    worker.stop()


# The demo users the API tests act as: a complaint handler works tickets, ops reads the board,
# the admin keeps calendars, policies and standard answers (decision 0016, complaints).
HANDLER, OPS, ADMIN = "cs-01", "ops-01", "adm-01"
ADMIN_PATHS = ("/calendars", "/policies", "/standard-answers", "/complaints/admin/")


class ActingByRoute(httpx.Auth):
    """A real token of the demo user whose role the route (API or page) needs: the handler,
    ops for the board, the admin for calendars, policies and standard answers. A request that
    brings its own `Authorization` (another service's route, say) keeps it."""

    def __init__(self, keycloak: Keycloak) -> None:
        self._keycloak = keycloak

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if "authorization" in request.headers:
            yield request
            return
        path = request.url.path
        user = HANDLER
        if path.endswith(("/board", "/board/live")):
            user = OPS
        elif any(part in path for part in ADMIN_PATHS) and (
            request.method != "GET" or "/standard-answers" not in path
        ):
            user = ADMIN
        request.headers.update(self._keycloak.bearer(user))
        yield request


def new_ticket(account_id: str, **overrides: Any) -> dict[str, Any]:
    """The JSON body of a ticket filed through the API, with `overrides` applied."""
    return {
        "account_id": account_id,
        "contact": "Ms Li",
        "channel": "hotline",
        "category": "delivery",
        "severity": 2,
        "description": "goods arrived two days late",
        "order_refs": ["SO-77"],
        **overrides,
    }

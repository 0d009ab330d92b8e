"""The accounts service in tests: its processes on a migrated schema, and a test ERP.

A pytest plugin (registered by the root `conftest.py`), so the accounts tests and the
cross-service suites (tests/e2e, tests/browser, tests/fault, tests/bench) share one definition.
"""

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from aiokafka import AIOKafkaProducer

from chassis.testing import (
    FrontDoor,
    Infrastructure,
    Keycloak,
    ServiceProcess,
    ServiceUnderTest,
    SignedInAs,
    free_port,
)
from contracts import complaints_v1, engagement_v1, erp_v1, privacy_v1
from contracts.envelope import CloudEvent, EventData
from contracts.registry import EVENT_TYPES

ACCOUNTS_CONSUMES = {
    "erp": [erp_v1.CUSTOMERS_TOPIC, erp_v1.ORDERS_TOPIC],
    "signals": [engagement_v1.FEEDBACK_TOPIC, complaints_v1.TICKETS_TOPIC],
    "plan": [engagement_v1.PLAN_TOPIC],
    "privacy": [privacy_v1.ERASURES_TOPIC],
}


async def prepare_accounts(
    infrastructure: Infrastructure,
    *,
    database: str | None = None,
    env: dict[str, str] | None = None,
) -> ServiceUnderTest:
    """The accounts service on a migrated schema, its consumer groups at the end of its topics."""
    return await ServiceUnderTest.prepare(
        infrastructure, "accounts", consumes=ACCOUNTS_CONSUMES, database=database, env=env
    )


@pytest.fixture(scope="session")
async def accounts(infrastructure: Infrastructure) -> ServiceUnderTest:
    """The session's accounts service (its processes: `accounts_worker`, `accounts_api`)."""
    return await prepare_accounts(infrastructure)


@pytest.fixture(scope="session")
def accounts_env(accounts: ServiceUnderTest) -> dict[str, str]:
    return accounts.env


@pytest.fixture(scope="session")
async def accounts_worker(accounts: ServiceUnderTest) -> AsyncIterator[ServiceProcess]:
    async with accounts.running("worker") as processes:
        yield processes["worker"]


@pytest.fixture(scope="session")
async def accounts_api(accounts: ServiceUnderTest) -> AsyncIterator[ServiceProcess]:
    async with accounts.running("api") as processes:
        yield processes["api"]


# Demo users of the realm the accounts tests act as (deploy/local/keycloak/rapport-realm.json):
# AM-01 manages the ERP's test accounts (`Erp.customer`) and the prospects it registers; AM-02
# is on AM-01's team (east, supervisor SUP-01); AM-04 and SUP-02 are the south team's.
MANAGER, TEAM_MANAGER, OTHER_MANAGER = "am-01", "am-02", "am-04"
SUPERVISOR, OTHER_SUPERVISOR, ADMIN = "sup-01", "sup-02", "adm-01"


class SignedInByRoute(SignedInAs):
    """`SignedInAs`, but tier policies (API and pages) are asked as the admin, whose they are,
    and the VIP and report pages as AM-01's supervisor, who sees their decision forms."""

    def __init__(self, keycloak: Keycloak, username: str = MANAGER) -> None:
        super().__init__(keycloak, username)

    def user_for(self, request: httpx.Request) -> str:
        path = request.url.path
        if path.startswith(("/api/v1/accounts/tier-policies", "/accounts/policies")):
            return ADMIN
        if path.startswith(("/accounts/vip/", "/accounts/reports/")):
            return SUPERVISOR
        return super().user_for(request)


@pytest.fixture
async def accounts_client(
    accounts_api: ServiceProcess, keycloak: Keycloak
) -> AsyncIterator[httpx.AsyncClient]:
    """The accounts API process, asked as AM-01 (tier policies as the admin) unless a request
    says otherwise."""
    async with httpx.AsyncClient(
        base_url=accounts_api.base_url, timeout=30, auth=SignedInByRoute(keycloak)
    ) as http:
        yield http


@pytest.fixture(scope="module")
async def accounts_site(accounts: ServiceUnderTest) -> AsyncIterator[str]:
    """The front door's URL, in front of a copy of the session's accounts API (same database)
    that knows the front door as its public address, so a browser's sign-in comes back there."""
    door_port = free_port()
    copy = accounts.another_copy()
    public = {"RAPPORT_OIDC_PUBLIC_URL": f"http://127.0.0.1:{door_port}"}
    async with dataclasses.replace(copy, env={**copy.env, **public}).running("api") as processes:
        door = FrontDoor({"accounts": processes["api"].port}, port=door_port)
        try:
            url = door.start()
            await door.wait_ready()
            yield url
        finally:
            door.stop()


class Erp:
    """A plain-Kafka ERP for tests: builds contract events and publishes them as integrators do."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    @staticmethod
    def customer(customer_id: str, **fields: object) -> erp_v1.CustomerUpserted:
        values: dict[str, object] = {
            "customer_id": customer_id,
            "name": f"Company {customer_id}",
            "region": "East",
            "country": "CN",
            "segment": "pharmacy",
            "address": "1 Nanjing Road, Shanghai",
            "account_manager": "AM-01",
            "updated_at": datetime.now(UTC),
        }
        return erp_v1.CustomerUpserted.model_validate({**values, **fields})

    @staticmethod
    def order(
        customer_id: str, order_id: str, total: str, *, days_ago: float = 1
    ) -> erp_v1.OrderPlaced:
        return erp_v1.OrderPlaced(
            order_id=order_id,
            customer_id=customer_id,
            placed_at=datetime.now(UTC) - timedelta(days=days_ago),
            currency="CNY",
            total=Decimal(total),
            lines=[
                erp_v1.OrderLine(
                    sku="SKU-1", category="skincare", quantity=1, unit_price=Decimal(total)
                )
            ],
        )

    @staticmethod
    def cancellation(customer_id: str, order_id: str) -> erp_v1.OrderCancelled:
        return erp_v1.OrderCancelled(
            order_id=order_id,
            customer_id=customer_id,
            cancelled_at=datetime.now(UTC),
            reason="customer changed mind",
        )

    @staticmethod
    def return_of(customer_id: str, order_id: str, amount: str) -> erp_v1.OrderReturned:
        return erp_v1.OrderReturned(
            order_id=order_id,
            customer_id=customer_id,
            returned_at=datetime.now(UTC),
            amount=Decimal(amount),
            currency="CNY",
            reason="damaged in transit",
        )

    @staticmethod
    def envelope(event: EventData) -> CloudEvent:
        return CloudEvent.wrap(event, source="erp")

    async def publish(self, *events: EventData | CloudEvent) -> list[CloudEvent]:
        """Publish and wait for the broker's acknowledgement; returns the envelopes sent."""
        sent = []
        for event in events:
            envelope = event if isinstance(event, CloudEvent) else self.envelope(event)
            topic = EVENT_TYPES[envelope.type].topic
            await self.producer.send_and_wait(
                topic, envelope.to_json_bytes(), key=envelope.subject.encode()
            )
            sent.append(envelope)
        return sent

    async def publish_raw(self, topic: str, key: str, value: bytes) -> None:
        await self.producer.send_and_wait(topic, value, key=key.encode())


@pytest.fixture
def erp(kafka_producer: AIOKafkaProducer) -> Erp:
    return Erp(kafka_producer)

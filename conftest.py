"""Fixtures shared by every test folder.

The real broker and database come from `chassis.testing`; the fixtures below run the accounts
service's real processes against them, the same entrypoints `make up` starts. Importing the
`contracts` package here also keeps the test folder `contracts/tests` from shadowing it.
"""

import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from chassis.kafka import ensure_topics
from chassis.testing import (
    Infrastructure,
    ServiceProcess,
    free_port,
    migrate_service,
    start_group_at_end,
    unique,
)
from contracts import complaints_v1, engagement_v1, erp_v1
from contracts.envelope import CloudEvent, EventData
from contracts.registry import EVENT_TYPES

LOG_DIR = Path(__file__).parent / ".local" / "test-logs"


def accounts_environment(
    infrastructure: Infrastructure, *, database: str | None = None
) -> dict[str, str]:
    """Env for accounts processes: a migrated schema and a consumer group of their own."""
    return {
        "ACCOUNTS_DATABASE_URL": migrate_service(infrastructure, "accounts", database=database),
        "ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS": infrastructure.kafka_bootstrap_servers,
        "ACCOUNTS_CONSUMER_GROUP_PREFIX": unique("accounts-test"),
        "ACCOUNTS_API_PORT": str(free_port()),
        "ACCOUNTS_WORKER_PORT": str(free_port()),
    }


def accounts_worker_process(env: dict[str, str], argv: list[str] | None = None) -> ServiceProcess:
    return ServiceProcess(
        argv or ["-m", "accounts.entrypoints.worker"],
        env=env,
        port=int(env["ACCOUNTS_WORKER_PORT"]),
        log_path=LOG_DIR / f"accounts-worker-{env['ACCOUNTS_CONSUMER_GROUP_PREFIX']}.log",
    )


ACCOUNTS_CONSUMED_TOPICS = {
    "erp": [erp_v1.CUSTOMERS_TOPIC, erp_v1.ORDERS_TOPIC],
    "signals": [engagement_v1.FEEDBACK_TOPIC, complaints_v1.TICKETS_TOPIC],
}


async def start_accounts_groups_at_end(infrastructure: Infrastructure, env: dict[str, str]) -> None:
    """The broker keeps every earlier run's events; tests read only what they publish."""
    prefix = env["ACCOUNTS_CONSUMER_GROUP_PREFIX"]
    for group, topics in ACCOUNTS_CONSUMED_TOPICS.items():
        await ensure_topics(infrastructure.kafka_bootstrap_servers, topics)
        await start_group_at_end(
            infrastructure.kafka_bootstrap_servers, f"{prefix}.{group}", topics
        )


@pytest.fixture(scope="session")
async def accounts_env(infrastructure: Infrastructure) -> dict[str, str]:
    env = accounts_environment(infrastructure)
    await start_accounts_groups_at_end(infrastructure, env)
    return env


@pytest.fixture(scope="session")
async def accounts_worker(accounts_env: dict[str, str]) -> AsyncIterator[ServiceProcess]:
    worker = accounts_worker_process(accounts_env).start()
    await worker.wait_ready()
    yield worker
    worker.stop()


@pytest.fixture(scope="session")
async def accounts_api(accounts_env: dict[str, str]) -> AsyncIterator[ServiceProcess]:
    api = ServiceProcess(
        ["-m", "accounts.entrypoints.api"],
        env=accounts_env,
        port=int(accounts_env["ACCOUNTS_API_PORT"]),
        log_path=LOG_DIR / "accounts-api.log",
    ).start()
    await api.wait_ready()
    yield api
    api.stop()


@pytest.fixture(scope="session")
def browser_executable() -> Iterator[str]:
    """Debian's chromium; never a downloaded browser."""
    path = Path("/usr/bin/chromium")
    assert path.exists(), "install Debian's chromium package (deploy/local/install-prereqs.sh)"
    yield str(path)


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


class FrontDoor:
    """deploy/local/nginx rendered into a temporary prefix, as services.sh renders it."""

    def __init__(self, *, accounts_port: str, complaints_port: str) -> None:
        self.home = LOG_DIR / unique("nginx")
        self.values = {
            "FRONT_DOOR_PORT": str(free_port()),
            "ACCOUNTS_UPSTREAM": f"127.0.0.1:{accounts_port}",
            "COMPLAINTS_UPSTREAM": f"127.0.0.1:{complaints_port}",
            "NGINX_HOME": str(self.home),
            "NGINX_LOG_DIR": str(self.home),
        }
        self.process: subprocess.Popen[bytes] | None = None

    def render(self, template: str, output: str) -> None:
        text = (Path(__file__).parent / "deploy" / "local" / "nginx" / template).read_text()
        for name, value in self.values.items():
            text = text.replace("${" + name + "}", value)
        (self.home / output).write_text(text)

    def start(self) -> str:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.home.mkdir(parents=True)
        self.render("rapport.conf.template", "rapport.conf")
        self.render("nginx.conf.template", "nginx.conf")
        flags = ["-p", str(self.home), "-c", str(self.home / "nginx.conf")]
        flags += ["-e", str(self.home / "error.log")]
        self.process = subprocess.Popen([nginx, *flags])
        return f"http://127.0.0.1:{self.values['FRONT_DOOR_PORT']}"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

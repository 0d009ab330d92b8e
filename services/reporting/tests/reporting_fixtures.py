"""The reporting service in tests: its processes on a migrated schema, the service wired to it
in-process, and helpers that feed it events through its own counting handler.

A pytest plugin (registered by the root conftest.py), so the cross-service suites share it.
"""

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest

from chassis.kafka import ReceivedEvent
from chassis.testing import Infrastructure, ServiceProcess, ServiceUnderTest
from contracts.envelope import CloudEvent, EventData
from reporting.bootstrap import Reporting, bootstrap
from reporting.config import ReportingSettings
from reporting.messaging.subscribers import SOURCES, consumer_name
from reporting.service_layer.handlers import count_events

# Demo users of the realm the reporting tests act as (deploy/local/keycloak/rapport-realm.json;
# the teams are RAPPORT_TEAMS' default): AM-01 and AM-02 are of team east (supervisor SUP-01),
# AM-04 of team south (SUP-02); ADM-01 reads the company; OPS-01 reads no figures.
MANAGER, TEAM_MANAGER, OTHER_MANAGER = "am-01", "am-02", "am-04"
SUPERVISOR, OTHER_SUPERVISOR, ADMIN, OPS = "sup-01", "sup-02", "adm-01", "ops-01"


async def prepare_reporting(
    infrastructure: Infrastructure,
    *,
    database: str | None = None,
    topic_prefix: str = "",
    env: dict[str, str] | None = None,
) -> ServiceUnderTest:
    """The reporting service on a migrated schema; with `topic_prefix`, on topics of its own
    (a rebuild replays its topics from offset 0: the shared ones hold every earlier run)."""
    return await ServiceUnderTest.prepare(
        infrastructure,
        "reporting",
        consumes={source.suffix: source.topics_with(topic_prefix) for source in SOURCES},
        database=database,
        env={
            "REPORTING_TOPIC_PREFIX": topic_prefix,
            **(env or {}),
        },
    )


@pytest.fixture(scope="session")
async def reporting_service(infrastructure: Infrastructure) -> ServiceUnderTest:
    return await prepare_reporting(infrastructure)


@pytest.fixture(scope="session")
async def reporting_api(
    reporting_service: ServiceUnderTest,
) -> AsyncIterator[ServiceProcess]:
    async with reporting_service.running("api") as processes:
        yield processes["api"]


def reporting_settings(env: dict[str, str]) -> ReportingSettings:
    return ReportingSettings(
        database_url=env["REPORTING_DATABASE_URL"],
        kafka_bootstrap_servers=env["REPORTING_KAFKA_BOOTSTRAP_SERVERS"],
        kafka_username=env["REPORTING_KAFKA_USERNAME"],
        kafka_password=env["REPORTING_KAFKA_PASSWORD"],
        consumer_group_prefix=env["REPORTING_CONSUMER_GROUP_PREFIX"],
        topic_prefix=env["REPORTING_TOPIC_PREFIX"],
    )


@pytest.fixture
async def reporting(reporting_service: ServiceUnderTest) -> AsyncIterator[Reporting]:
    """The service's composition root on the test schema."""
    app = bootstrap(reporting_settings(reporting_service.env))
    yield app
    await app.dispose()


def received(data: EventData, *, arrived: datetime, event_id: str | None = None) -> ReceivedEvent:
    """An event as a consumer gets it, arrived (Kafka timestamp) at `arrived`."""
    envelope = CloudEvent.wrap(data, source=data.topic.split(".")[0], id=event_id)
    return ReceivedEvent(
        envelope, data, data.topic, 0, 0, int(arrived.astimezone(UTC).timestamp() * 1000)
    )


def consumer_of(app: Reporting, data: EventData) -> str:
    source = next(source for source in SOURCES if data.topic in source.topics)
    return consumer_name(app.settings.consumer_group_prefix, source)


async def feed(app: Reporting, events: Sequence[ReceivedEvent]) -> None:
    """Count events through the consumers' handler, each with its own consumer."""
    for event in events:
        await count_events(uow=app.uow(), consumer=consumer_of(app, event.data), events=[event])

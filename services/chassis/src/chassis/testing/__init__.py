"""Pytest plugin (`-p chassis.testing`): the real Kafka broker and PostgreSQL, the identity
provider (Keycloak), a service's processes, the front door and the browser, for every suite. Install with `rapport-chassis[testing]`.

Any test that uses the `infrastructure` fixture, directly or through another fixture, is marked
`integration`; `make unit` runs the rest (`-m "not integration"`).
"""

import pytest

from chassis.testing.browser import CHROMIUM_ARGS, browser, browser_executable, page, sign_in
from chassis.testing.front_door import FrontDoor
from chassis.testing.guards import api_routes, unguarded_routes
from chassis.testing.identity import DEMO_PASSWORD, Keycloak, SignedInAs, keycloak
from chassis.testing.infrastructure import (
    Infrastructure,
    create_database,
    drift_after_migrations,
    infrastructure,
    migrate_service,
    scratch_database,
    unique,
)
from chassis.testing.kafka import kafka_producer, read_topic, start_group_at_end, topic_partitions
from chassis.testing.processes import LOG_DIR, ServiceProcess, ServiceUnderTest, free_port
from chassis.testing.waiting import eventually

__all__ = [
    "CHROMIUM_ARGS",
    "DEMO_PASSWORD",
    "LOG_DIR",
    "FrontDoor",
    "Infrastructure",
    "Keycloak",
    "ServiceProcess",
    "ServiceUnderTest",
    "SignedInAs",
    "api_routes",
    "browser",
    "browser_executable",
    "create_database",
    "drift_after_migrations",
    "eventually",
    "free_port",
    "infrastructure",
    "kafka_producer",
    "keycloak",
    "migrate_service",
    "page",
    "read_topic",
    "scratch_database",
    "sign_in",
    "start_group_at_end",
    "topic_partitions",
    "unguarded_routes",
    "unique",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Before `-m` selects: whatever needs the broker or the database is an integration test."""
    for item in items:
        if "infrastructure" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.integration)

"""The engagement service in tests: its processes on a migrated schema.

A pytest plugin: add `"engagement_fixtures"` to `pytest_plugins` in the root conftest.py and this
folder to `pythonpath` in the root pyproject.toml, so the cross-service suites share it too.
"""

from collections.abc import AsyncIterator

import pytest

from chassis.testing import Infrastructure, ServiceProcess, ServiceUnderTest

# Consumer group suffix -> the topics it reads (started at their end for each test session).
ENGAGEMENT_CONSUMES: dict[str, list[str]] = {}


async def prepare_engagement(
    infrastructure: Infrastructure, *, env: dict[str, str] | None = None
) -> ServiceUnderTest:
    return await ServiceUnderTest.prepare(
        infrastructure, "engagement", consumes=ENGAGEMENT_CONSUMES, env=env
    )


@pytest.fixture(scope="session")
async def engagement_service(infrastructure: Infrastructure) -> ServiceUnderTest:
    return await prepare_engagement(infrastructure)


@pytest.fixture(scope="session")
async def engagement_api(
    engagement_service: ServiceUnderTest,
) -> AsyncIterator[ServiceProcess]:
    async with engagement_service.running("api") as processes:
        yield processes["api"]

"""Schemathesis against the engagement API's own OpenAPI, on the real API process and a database
of its own, with every conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and
answer documented, input the document forbids refused and input it allows accepted."""

from collections.abc import AsyncIterator

import pytest

from chassis.testing import Infrastructure, ServiceProcess, scratch_database
from chassis.testing.api_fuzz import fuzz_every_operation
from engagement_fixtures import prepare_engagement

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/engagement"
# The only refusals (422) of a request the document allows: rules JSON Schema cannot state.
RULES_BEYOND_THE_SCHEMA = {
    f"POST {PREFIX}/policies": (
        "each tier's on-time window is shorter than its interval (a window of 7 days or more "
        "for a weekly tier would still be on time when the next visit is due)"
    ),
    f"PUT {PREFIX}/calendar": (
        "each holiday's day once, and no day both a holiday and a worked weekend day"
    ),
}


@pytest.fixture(scope="module")
async def fuzzed_api(infrastructure: Infrastructure) -> AsyncIterator[ServiceProcess]:
    """The API process on a scratch database: the fuzzer's policies and calendars stay there."""
    async with scratch_database(infrastructure, "engagement_fuzz") as database:
        service = await prepare_engagement(infrastructure, database=database)
        async with service.running("api") as processes:
            yield processes["api"]


def test_every_answer_conforms_to_the_document(fuzzed_api: ServiceProcess) -> None:
    fuzz_every_operation(
        fuzzed_api.base_url, at_least=20, rules_beyond_the_schema=RULES_BEYOND_THE_SCHEMA
    )

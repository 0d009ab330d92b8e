"""Schemathesis against the accounts API's own OpenAPI, on the real API process and a database of
its own, with every conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and
answer documented, input the document forbids refused and input it allows accepted."""

from collections.abc import AsyncIterator

import pytest

from accounts_fixtures import prepare_accounts
from chassis.testing import Infrastructure, ServiceProcess, scratch_database
from chassis.testing.api_fuzz import fuzz_every_operation

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/accounts"
# The only refusals (422) of a request the document allows: rules JSON Schema cannot state.
RULES_BEYOND_THE_SCHEMA = {
    f"POST {PREFIX}": (
        "the referrer, if given, is another account that exists; the id is not a reserved word "
        "(a page's name such as `new`); the name is not only spaces"
    ),
    f"POST {PREFIX}/tier-policies": (
        "the policy holds together: value_high above value_medium, the ABC shares and the "
        "grades in order, a weight for each known indicator adding up to 100, recency bands "
        "that rise, a recommendation for each grade"
    ),
}


@pytest.fixture(scope="module")
async def fuzzed_api(infrastructure: Infrastructure) -> AsyncIterator[ServiceProcess]:
    """The API process on a scratch database: the fuzzer's prospects and policies stay there."""
    async with scratch_database(infrastructure, "accounts_fuzz") as database:
        service = await prepare_accounts(infrastructure, database=database)
        async with service.running("api") as processes:
            yield processes["api"]


def test_every_answer_conforms_to_the_document(fuzzed_api: ServiceProcess) -> None:
    fuzz_every_operation(
        fuzzed_api.base_url, at_least=26, rules_beyond_the_schema=RULES_BEYOND_THE_SCHEMA
    )

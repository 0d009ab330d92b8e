"""Schemathesis against the accounts API's own OpenAPI, on the real API process and a database of
its own, with every conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and
answer documented, input the document forbids refused and input it allows accepted."""

from collections.abc import AsyncIterator

import pytest

from accounts_fixtures import ADMIN, MANAGER, SUPERVISOR, prepare_accounts
from chassis.testing import Infrastructure, Keycloak, ServiceProcess, scratch_database
from chassis.testing.api_fuzz import fuzz_every_operation

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/accounts"
# The only refusals (422) of a request the document allows: rules JSON Schema cannot state.
MANAGER_RULES = {
    f"POST {PREFIX}": (
        "the referrer, if given, is another account that exists; the id is not a reserved word "
        "(a page's name such as `new`); the name is not only spaces"
    ),
    f"PUT {PREFIX}/{{account_id}}/referral": "the referrer is another account that exists",
}
ADMIN_RULES = {
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


# Each operation is fuzzed as a demo user whose role it needs, so the fuzzer gets past the
# 403 to the operation itself: the admin's (tier policies), the supervisor's (VIP decisions,
# reports made and reviewed) and a manager's (everything else).
ADMIN_OPERATIONS = rf"^{PREFIX}/tier-policies"
SUPERVISOR_OPERATIONS = (
    rf"^{PREFIX}/(vip-nominations/[^/]+/(approve|reject)|[^/]+/vip/revoke|evaluation-reports"
    r"(/[^/]+/review)?)$"
)


@pytest.mark.parametrize(
    ("user", "paths", "rules", "at_least"),
    [
        (ADMIN, ADMIN_OPERATIONS, ADMIN_RULES, 5),
        (SUPERVISOR, SUPERVISOR_OPERATIONS, {}, 5),
        (MANAGER, None, MANAGER_RULES, 16),
    ],
)
def test_every_answer_conforms_to_the_document(
    fuzzed_api: ServiceProcess,
    keycloak: Keycloak,
    user: str,
    paths: str | None,
    rules: dict[str, str],
    at_least: int,
) -> None:
    fuzz_every_operation(
        fuzzed_api.base_url,
        at_least=at_least,
        rules_beyond_the_schema=rules,
        headers=keycloak.bearer(user),
        only=paths,
        leaving_out=() if paths else (ADMIN_OPERATIONS, SUPERVISOR_OPERATIONS),
    )

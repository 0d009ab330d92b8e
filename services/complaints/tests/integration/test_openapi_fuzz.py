"""Schemathesis against the complaints API's own OpenAPI, on the real API process and a database of
its own, with every conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and
answer documented, input the document forbids refused and input it allows accepted."""

from collections.abc import AsyncIterator

import pytest

from chassis.testing import Infrastructure, Keycloak, ServiceProcess, scratch_database
from chassis.testing.api_fuzz import fuzz_every_operation
from complaints_fixtures import ADMIN, HANDLER, OPS, prepare_complaints

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/complaints"
# The only refusals (422) of a request the document allows: rules JSON Schema cannot state.
HANDLER_RULES = {
    f"POST {PREFIX}/tickets": "the account must be known to complaints (from accounts' events)",
}
ADMIN_RULES = {
    f"PUT {PREFIX}/calendars/{{name}}": (
        "a known IANA time zone; each day's periods start before they end and follow each "
        "other; open at least once a week"
    ),
    f"POST {PREFIX}/policies": (
        "the calendars it names exist; warning thresholds increase; a target in working days "
        "names a calendar; a target is at most a year in its unit"
    ),
}
# Each operation is fuzzed as a demo user whose role it needs, so the fuzzer gets past the
# 403 to the operation itself: the admin's, ops' and the handler's (everything else).
ADMIN_OPERATIONS = rf"^{PREFIX}/(calendars|policies|standard-answers)"
OPS_OPERATIONS = rf"^{PREFIX}/board$"


@pytest.fixture(scope="module")
async def fuzzed_api(infrastructure: Infrastructure) -> AsyncIterator[ServiceProcess]:
    """The API process on a scratch database: the fuzzer's calendars and policies stay there."""
    async with scratch_database(infrastructure, "complaints_fuzz") as database:
        service = await prepare_complaints(infrastructure, database=database)
        async with service.running("api") as processes:
            yield processes["api"]


@pytest.mark.parametrize(
    ("user", "paths", "rules", "at_least"),
    [
        (ADMIN, ADMIN_OPERATIONS, ADMIN_RULES, 8),
        (OPS, OPS_OPERATIONS, {}, 1),
        (HANDLER, None, HANDLER_RULES, 18),
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
        leaving_out=() if paths else (ADMIN_OPERATIONS, OPS_OPERATIONS),
    )

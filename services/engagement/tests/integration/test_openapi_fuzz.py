"""Schemathesis against the engagement API's own OpenAPI, on the real API process and a database
of its own, with every conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and
answer documented, input the document forbids refused and input it allows accepted."""

from collections.abc import AsyncIterator

import pytest

from chassis.testing import Infrastructure, Keycloak, ServiceProcess, scratch_database
from chassis.testing.api_fuzz import fuzz_every_operation
from engagement_fixtures import ADMIN, MANAGER, SUPERVISOR, prepare_engagement

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/engagement"
# The only refusals (422) of a request the document allows: rules JSON Schema cannot state.
ADMIN_RULES = {
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


# JSON Schema counts 4.0 as an integer; the scores take only integers written as such.
STRICT_SCORES = "a CSAT or NPS score is an integer written without a fraction (4, not 4.0)"
MANAGER_RULES = {f"POST {PREFIX}/visits": STRICT_SCORES, f"POST {PREFIX}/feedback": STRICT_SCORES}

# Each operation is fuzzed as a demo user whose role it needs, so the fuzzer gets past the
# 403 to the operation itself: the admin's (cadence policies, teams, the calendar), the
# supervisor's (a team's board) and a manager's (everything else: boards, items, visits,
# scores, targets, whose records outside AM-01's scope are a documented 404).
ADMIN_OPERATIONS = rf"^{PREFIX}/(policies|teams|calendar)"
SUPERVISOR_OPERATIONS = rf"^{PREFIX}/boards/team/"


@pytest.mark.parametrize(
    ("user", "paths", "rules", "at_least"),
    [
        (ADMIN, ADMIN_OPERATIONS, ADMIN_RULES, 7),
        (SUPERVISOR, SUPERVISOR_OPERATIONS, {}, 1),
        (MANAGER, None, MANAGER_RULES, 12),
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

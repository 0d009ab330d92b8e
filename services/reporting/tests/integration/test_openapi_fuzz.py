"""Schemathesis against the reporting API's own OpenAPI, on the real API process, with every
conformance check of `chassis.testing.api_fuzz`: no 5xx, every status and answer documented,
input the document forbids refused and input it allows accepted."""

import pytest

from chassis.testing import Keycloak, ServiceProcess
from chassis.testing.api_fuzz import fuzz_every_operation
from reporting_fixtures import ADMIN, MANAGER, SUPERVISOR

pytestmark = pytest.mark.integration

PREFIX = "/api/v1/reporting"
# The only refusal (422) of a request the document allows depends on the service's clock.
AS_OF_NOT_AFTER_TODAY = "as_of is not after today (the service's clock)"
RULES_BEYOND_THE_SCHEMA = {
    f"GET {PREFIX}/kpis": AS_OF_NOT_AFTER_TODAY,
    f"GET {PREFIX}/composition": AS_OF_NOT_AFTER_TODAY,
    f"GET {PREFIX}/figures/{{name}}": AS_OF_NOT_AFTER_TODAY,
    f"GET {PREFIX}/figures/{{name}}/events": AS_OF_NOT_AFTER_TODAY,
}


# Every operation reads, and is each reader's: fuzzed as each, so the scopes of all three
# (the company, a team, one manager) are reached.
@pytest.mark.parametrize("user", [ADMIN, SUPERVISOR, MANAGER])
def test_every_answer_conforms_to_the_document(
    reporting_api: ServiceProcess, keycloak: Keycloak, user: str
) -> None:
    fuzz_every_operation(
        reporting_api.base_url,
        at_least=4,
        rules_beyond_the_schema=RULES_BEYOND_THE_SCHEMA,
        headers=keycloak.bearer(user),
    )

"""Schemathesis against a running service's own OpenAPI: whatever a client sends, the answer is
never a 5xx, and every 4xx carries the uniform error body."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.modes import GenerationMode

# Enough to reach every operation with valid and invalid input, small enough for the suite.
# Examples differ between runs (a fixed set missed an empty-referrer bug that 150 random ones
# found); a failure prints the falsifying example to reproduce.
EXAMPLES_PER_OPERATION = 25


def assert_answered_by_the_api(case: Case, response: Response) -> None:
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}, f"{where}: {error}"
        assert isinstance(error["code"], str) and error["code"], where
        assert isinstance(error["message"], str) and error["message"], where
        assert isinstance(error["details"], list), where


def fuzz_every_operation(base_url: str, *, at_least: int) -> None:
    """Every operation of the API at `base_url`, with valid and with invalid input (schemathesis'
    two modes); `at_least` guards against a schema that lost its operations."""
    openapi = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json")
    results = list(openapi.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the OpenAPI document has invalid operations"
    assert len(operations) >= at_least, [operation.label for operation in operations]
    for operation in operations:
        cases = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def answered(case: Case) -> None:
            assert_answered_by_the_api(case, case.call(timeout=30))

        answered()

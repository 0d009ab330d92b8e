"""Schemathesis against the accounts API's own OpenAPI, on the real API process and a
database of its own: whatever a client sends, the answer is never a 5xx, and every 4xx carries
the uniform error body."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.case import Case
from schemathesis.generation.modes import GenerationMode

from chassis.testing import Infrastructure, ServiceProcess, scratch_database
from conftest import accounts_environment

pytestmark = pytest.mark.integration

LOG_DIR = Path(__file__).resolve().parents[4] / ".local" / "test-logs"
# Enough to reach every operation with valid and invalid input, small enough for the suite.
# Examples differ between runs (a fixed set missed the empty-referrer bug that 150 random ones
# found); a failure prints the falsifying example to reproduce.
EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
async def fuzzed_api(infrastructure: Infrastructure) -> AsyncIterator[ServiceProcess]:
    """The API process on a scratch database: the fuzzer's prospects and policies stay there."""
    async with scratch_database(infrastructure, "accounts_fuzz") as database:
        env = accounts_environment(infrastructure, database=database)
        api = ServiceProcess(
            ["-m", "accounts.entrypoints.api"],
            env=env,
            port=int(env["ACCOUNTS_API_PORT"]),
            log_path=LOG_DIR / f"accounts-fuzz-{env['ACCOUNTS_API_PORT']}.log",
        ).start()
        try:
            await api.wait_ready()
            yield api
        finally:
            api.stop()


def assert_answered_by_the_api(case: Case, response: requests.Response) -> None:
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.text[:500]}"
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}, f"{where}: {error}"
        assert isinstance(error["code"], str) and error["code"], where
        assert isinstance(error["message"], str) and error["message"], where
        assert isinstance(error["details"], list), where


def test_no_input_yields_a_server_error(fuzzed_api: ServiceProcess) -> None:
    """Every operation, with valid and with invalid input (schemathesis' two modes)."""
    openapi = schemathesis.openapi.from_url(f"{fuzzed_api.base_url}/api/openapi.json")
    operations = [result.ok() for result in openapi.get_all_operations()]
    assert len(operations) > 25
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

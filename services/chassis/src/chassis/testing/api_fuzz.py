"""Schemathesis against a running service's own OpenAPI document, with schemathesis' own checks.

Every operation gets schemathesis' three phases: the document's examples, the coverage phase
(boundary values, each constraint broken once, missing parameters, methods the path does not
have) and random valid and invalid input. Each answer goes through `CONFORMANCE_CHECKS`:

- `not_a_server_error`: no 5xx, whatever is sent;
- `status_code_conformance`: the status is one the operation documents;
- `content_type_conformance`, `response_headers_conformance`, `response_schema_conformance`:
  the answer is what the document says for that status (refusals: the chassis error body);
- `negative_data_rejection`: input the document forbids is refused with a 4xx;
- `positive_data_acceptance`: input the document allows is not refused with a 400 or 422 (so
  the document states every length, pattern and enum the API enforces); a rule JSON Schema
  cannot state (a referenced record that must exist, two fields in order) may answer a valid
  request with a 422 only on the operations the caller names in `rules_beyond_the_schema`;
- `missing_required_header`, `unsupported_method` (a 405 with an `Allow` header),
  `allow_header_conformance`;
- ours: `allow_names_methods` (that `Allow` is not empty) and `uniform_error_body` (every 4xx
  is `{"error": {"code", "message", "details"}}`).

Left out: `max_response_time` (a timed assertion on 2 shared cores); `use_after_free` and
`ensure_resource_availability` (they judge sequences of calls, which only schemathesis' stateful
phase makes, and our documents declare no links); `ignored_auth` and
`object_level_authorization` (a fuzz run acts as one user, whose token the caller passes in
`headers`; each service's own tests check 401, 403 and the 404 outside one's scope).

`SERVER_ERRORS_ONLY` is the narrower set (no 5xx, the error body) that services whose documents
are not complete yet pass instead.
"""

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import hypothesis
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis.checks import CheckContext, load_all_checks, not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.schemas import APIOperation, BaseSchema
from schemathesis.specs.openapi import checks as openapi_checks

Check = Callable[[CheckContext, Response, Case], bool | None]

# Enough to reach every operation with valid and invalid input, small enough for the suite.
# Examples differ between runs (a fixed set missed an empty-referrer bug that 150 random ones
# found); a failure prints the request as a curl command to reproduce.
EXAMPLES_PER_OPERATION = 25

load_all_checks()


def uniform_error_body(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx carries the chassis error body, documented or not."""
    if not 400 <= response.status_code < 500:
        return None
    where = f"{case.method} {case.formatted_path}"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}, f"{where}: {error}"
    assert isinstance(error["code"], str) and error["code"], where
    assert isinstance(error["message"], str) and error["message"], where
    assert isinstance(error["details"], list), where
    return None


def allow_names_methods(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A 405's `Allow` names methods (schemathesis' `unsupported_method` takes an empty one)."""
    if response.status_code == 405:
        allowed = ",".join(response.headers.get("allow", [])).strip()
        assert allowed, f"{case.method} {case.formatted_path}: 405 with an empty Allow"
    return None


CONFORMANCE_CHECKS: tuple[Check, ...] = (
    not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.negative_data_rejection,
    openapi_checks.positive_data_acceptance,
    openapi_checks.missing_required_header,
    openapi_checks.unsupported_method,
    openapi_checks.allow_header_conformance,
    allow_names_methods,
    uniform_error_body,
)
SERVER_ERRORS_ONLY: tuple[Check, ...] = (not_a_server_error, uniform_error_body)


def _accepting_valid_data_but(operations: Mapping[str, str]) -> Check:
    """Schemathesis' `positive_data_acceptance`, except a 422 on `operations`."""

    def positive_data_acceptance(ctx: CheckContext, response: Response, case: Case) -> bool | None:
        if response.status_code == 422 and case.operation.label in operations:
            return None
        check: Check = openapi_checks.positive_data_acceptance
        return check(ctx, response, case)

    return positive_data_acceptance


def _failure_key(failure: Failure) -> tuple[str, str, str]:
    """One entry per operation, kind and first line: the same bug found twice is reported once."""
    return (failure.operation or "", failure.title, failure.message.splitlines()[0:1][0])


def _fuzz_operation(
    operation: APIOperation,
    checks: Sequence[Check],
    failures: dict[tuple[str, str, str], str],
    headers: Mapping[str, str],
) -> None:
    def answered(case: Case) -> None:
        try:
            case.call_and_validate(checks=list(checks), headers=dict(headers), timeout=30)
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.setdefault(_failure_key(failure), str(group))

    settings = hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
        # Failures are collected, not raised, so there is nothing to shrink.
        phases=[Phase.explicit, Phase.generate],
    )
    test: Any = create_test(
        operation=operation,
        test_func=answered,
        config=HypothesisTestConfig(
            project=operation.schema.config,
            modes=[
                HypothesisTestMode.EXAMPLES,
                HypothesisTestMode.COVERAGE,
                HypothesisTestMode.FUZZING,
            ],
            settings=settings,
        ),
    )
    test()


def fuzz_every_operation(
    base_url: str,
    *,
    at_least: int,
    checks: Sequence[Check] = CONFORMANCE_CHECKS,
    rules_beyond_the_schema: Mapping[str, str] = MappingProxyType({}),
    headers: Mapping[str, str] = MappingProxyType({}),
    only: str | None = None,
    leaving_out: Sequence[str] = (),
) -> None:
    """Every operation of the API at `base_url` (a running service) through `fuzz_document`;
    with `only`, those whose path matches that regex; without those matching `leaving_out`.
    A run acting as one role takes the operations that role is for."""
    document: BaseSchema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json")
    if only is not None:
        document = document.include(path_regex=only)
    for path_regex in leaving_out:
        document = document.exclude(path_regex=path_regex)
    fuzz_document(
        document,
        at_least=at_least,
        checks=checks,
        rules_beyond_the_schema=rules_beyond_the_schema,
        headers=headers,
    )


def fuzz_document(
    openapi: BaseSchema,
    *,
    at_least: int,
    checks: Sequence[Check] = CONFORMANCE_CHECKS,
    rules_beyond_the_schema: Mapping[str, str] = MappingProxyType({}),
    headers: Mapping[str, str] = MappingProxyType({}),
) -> None:
    """Every operation of `openapi` (loaded from a URL or an ASGI app) through schemathesis'
    phases and `checks`; all failures are reported together. `at_least` guards against a
    document that lost its operations. `rules_beyond_the_schema`: operation label
    (`POST /api/v1/...`) -> the rule JSON Schema cannot state, for which a valid request may
    get a 422. `headers` go with every request (e.g. `Keycloak.bearer(...)`'s token); the
    document's security parameters are then left to them, not generated."""
    unknown = set(rules_beyond_the_schema)
    if rules_beyond_the_schema:
        checks = [
            _accepting_valid_data_but(rules_beyond_the_schema)
            if check is openapi_checks.positive_data_acceptance
            else check
            for check in checks
        ]
    if headers:
        # The caller's headers carry the credentials (a bearer token): schemathesis must not
        # make cases without them, which the caller's headers would then send with valid ones.
        openapi.config.generation.update(with_security_parameters=False)
    results = list(openapi.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the OpenAPI document has invalid operations"
    assert len(operations) >= at_least, [operation.label for operation in operations]
    unknown -= {operation.label for operation in operations}
    assert not unknown, f"rules_beyond_the_schema names no operation: {sorted(unknown)}"
    failures: dict[tuple[str, str, str], str] = {}
    for operation in operations:
        _fuzz_operation(operation, checks, failures, headers)
    summary = "\n".join(f"{op}: {title}: {first}" for op, title, first in sorted(failures))
    details = "\n\n".join(failures.values())
    assert not failures, f"{len(failures)} conformance failures:\n{summary}\n\n{details}"

"""The committed schemas match the code, and the compatibility check catches breaking changes."""

import copy

from contracts import erp_v1
from contracts.schemas import breaking_changes, check, event_schema


def test_committed_schemas_match_the_code() -> None:
    assert check() == []


def order_schema() -> dict:
    return event_schema(erp_v1.OrderPlaced)


def test_adding_an_optional_field_is_compatible() -> None:
    new = order_schema()
    new["properties"]["data"]["properties"]["channel"] = {"type": "string"}
    assert breaking_changes(order_schema(), new) == []


def test_removing_a_field_is_breaking() -> None:
    new = order_schema()
    del new["properties"]["data"]["properties"]["total"]
    assert breaking_changes(order_schema(), new) == [".data.total: field removed"]


def test_retyping_a_field_is_breaking() -> None:
    new = order_schema()
    new["properties"]["data"]["properties"]["total"] = {"type": "number"}
    assert any("type changed" in problem for problem in breaking_changes(order_schema(), new))


def test_a_new_required_field_is_breaking() -> None:
    new = order_schema()
    new["properties"]["data"]["properties"]["warehouse"] = {"type": "string"}
    new["properties"]["data"]["required"].append("warehouse")
    assert breaking_changes(order_schema(), new) == [".data.warehouse: field became required"]


def test_narrowing_an_enum_is_breaking() -> None:
    old = {"type": "object", "properties": {"level": {"type": "string", "enum": ["a", "b"]}}}
    new = copy.deepcopy(old)
    new["properties"]["level"]["enum"] = ["a"]
    assert breaking_changes(old, new) == [".level: enum values removed: ['b']"]

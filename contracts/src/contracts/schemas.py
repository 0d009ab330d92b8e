"""Committed JSON Schemas of every event, and the check that a change stays compatible.

`python -m contracts.schemas write` regenerates `contracts/json-schemas/`;
`python -m contracts.schemas check` fails when the code's schemas differ from the committed
ones, and says whether the difference is compatible (regenerate and commit) or breaking
(which needs a new major version).
"""

import json
import sys
from pathlib import Path
from typing import Any

from contracts.envelope import EventData
from contracts.registry import EVENT_TYPES

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "json-schemas"

Schema = dict[str, Any]


def event_schema(event: type[EventData]) -> Schema:
    """The JSON Schema of a whole Kafka value: the CloudEvent with this event's data."""
    data_schema = event.model_json_schema(mode="serialization")
    definitions = data_schema.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": event.event_type,
        "description": (event.__doc__ or "").strip(),
        "type": "object",
        "required": ["specversion", "id", "source", "type", "subject", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "minLength": 1},
            "source": {"type": "string"},
            "type": {"const": event.event_type},
            "subject": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "datacontenttype": {"type": "string"},
            "data": data_schema,
        },
        "x-topic": event.topic,
        "$defs": definitions,
    }


def current_schemas() -> dict[str, Schema]:
    return {event_type: event_schema(event) for event_type, event in sorted(EVENT_TYPES.items())}


def committed_schemas() -> dict[str, Schema]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(SCHEMA_DIR.glob("*.json"))}


def _resolve(schema: Schema, root: Schema) -> Schema:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return _resolve(root["$defs"][ref.removeprefix("#/$defs/")], root)
    return schema


def _types(schema: Schema) -> set[str]:
    if "anyOf" in schema:
        return {t for option in schema["anyOf"] for t in _types(option)}
    declared = schema.get("type")
    if isinstance(declared, list):
        return set(declared)
    if declared:
        return {declared}
    if "const" in schema:
        return {"const:" + json.dumps(schema["const"])}
    return {"any"}


def breaking_changes(
    old: Schema, new: Schema, path: str = "", *, roots: tuple[Schema, Schema] | None = None
) -> list[str]:
    """Changes that would break a consumer reading new events, or a producer still sending old ones.

    Removing or retyping a field, adding a required field, or narrowing an enum is breaking;
    adding an optional field or widening a type is not.
    """
    old_root, new_root = roots or (old, new)
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    problems: list[str] = []
    location = path or "<root>"
    if not _types(old) <= _types(new) and "any" not in _types(new):
        problems.append(
            f"{location}: type changed from {sorted(_types(old))} to {sorted(_types(new))}"
        )
    if "enum" in old and "enum" in new and not set(old["enum"]) <= set(new["enum"]):
        problems.append(
            f"{location}: enum values removed: {sorted(set(old['enum']) - set(new['enum']))}"
        )
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    for name in old_props:
        if name not in new_props:
            problems.append(f"{path}.{name}: field removed")
        else:
            problems += breaking_changes(
                old_props[name], new_props[name], f"{path}.{name}", roots=(old_root, new_root)
            )
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"{path}.{name}: field became required")
    if "items" in old and "items" in new:
        problems += breaking_changes(
            old["items"], new["items"], f"{path}[]", roots=(old_root, new_root)
        )
    return problems


def check() -> list[str]:
    """Every difference between code and committed schemas, breaking ones marked as such."""
    current, committed = current_schemas(), committed_schemas()
    messages: list[str] = []
    for event_type, old in committed.items():
        if event_type not in current:
            messages.append(f"BREAKING {event_type}: event type removed")
            continue
        breaking = breaking_changes(old, current[event_type])
        messages += [f"BREAKING {event_type}{problem}" for problem in breaking]
        if not breaking and old != current[event_type]:
            messages.append(f"changed {event_type}: compatible, run `make schemas` and commit")
    messages += [
        f"new {event_type}: run `make schemas` and commit"
        for event_type in current.keys() - committed.keys()
    ]
    return messages


def write() -> None:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for event_type, schema in current_schemas().items():
        (SCHEMA_DIR / f"{event_type}.json").write_text(json.dumps(schema, indent=2) + "\n")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "write":
        problems = [m for m in check() if m.startswith("BREAKING")]
        if problems:
            print("\n".join(problems), file=sys.stderr)
            print(
                "refusing to overwrite: a breaking change needs a new major version",
                file=sys.stderr,
            )
            return 1
        write()
        print(f"wrote {len(EVENT_TYPES)} schemas to {SCHEMA_DIR}")
        return 0
    messages = check()
    for message in messages:
        print(message, file=sys.stderr)
    if messages:
        return 1
    print(f"{len(EVENT_TYPES)} event schemas match the committed ones")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Generate the AsyncAPI 3.0 document of every topic from the contract registry.

`python -m contracts.asyncapi [output.yaml]`.
"""

import sys
from pathlib import Path
from typing import Any

import yaml

from contracts.envelope import CLOUDEVENTS_CONTENT_TYPE
from contracts.registry import TOPICS
from contracts.schemas import event_schema


def _message_name(event_type: str) -> str:
    return event_type.replace(".", "_")


def document() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for topic in TOPICS:
        channel_id = topic.name.replace(".", "_")
        channel_messages = {}
        for event in topic.events:
            name = _message_name(event.event_type)
            schema = event_schema(event)
            schema.pop("$schema")
            messages[name] = {
                "name": event.event_type,
                "title": event.event_type,
                "summary": (event.__doc__ or "").strip(),
                "contentType": CLOUDEVENTS_CONTENT_TYPE,
                "bindings": {"kafka": {"key": {"type": "string", "description": "account id"}}},
                "headers": {
                    "type": "object",
                    "properties": {"traceparent": {"type": "string"}},
                },
                "payload": schema,
            }
            channel_messages[name] = {"$ref": f"#/components/messages/{name}"}
        channels[channel_id] = {
            "address": topic.name,
            "description": topic.description,
            "messages": channel_messages,
        }
        operations[f"{topic.owner}_publishes_{channel_id}"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "summary": f"Published by {topic.owner}",
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Rapport events",
            "version": "1.0.0",
            "description": (
                "Every Kafka topic of Rapport. Values are CloudEvents 1.0 in structured JSON mode."
            ),
        },
        "defaultContentType": CLOUDEVENTS_CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def main(argv: list[str]) -> int:
    text = yaml.safe_dump(document(), sort_keys=False, allow_unicode=True)
    if len(argv) > 1:
        Path(argv[1]).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

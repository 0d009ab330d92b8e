"""The CloudEvents 1.0 envelope (structured JSON mode) that every Kafka value is."""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import UtcDateTime

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"


class EventData(BaseModel):
    """Base of every event payload. `event_type` and `topic` name where it travels."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    topic: ClassVar[str]

    def subject(self) -> str:
        """The account the event is about: the CloudEvent subject and the Kafka key."""
        return str(getattr(self, "customer_id", None) or getattr(self, "account_id", ""))


class CloudEvent(BaseModel):
    """A CloudEvent whose `data` is still raw JSON; `parse_data` types it."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    subject: str = Field(min_length=1)
    time: UtcDateTime
    datacontenttype: str = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(
        cls, data: EventData, *, source: str, time: datetime | None = None, id: str | None = None
    ) -> Self:
        """Build the envelope for a typed payload."""
        return cls(
            specversion="1.0",
            id=id or str(uuid.uuid4()),
            source=source,
            type=data.event_type,
            subject=data.subject(),
            time=time or datetime.now(UTC),
            data=data.model_dump(mode="json"),
        )

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json().encode()

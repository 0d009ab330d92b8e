"""The CloudEvents 1.0 envelope (structured JSON mode) that every Kafka value is."""

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from contracts.types import UtcDateTime, refuse_nul

CLOUDEVENTS_CONTENT_TYPE = "application/cloudevents+json"
# The longest string any contract field takes unless it says less: every value stays storable.
MAX_TEXT_LENGTH = 10_000
# The validation context of a value parsed from JSON text that holds no NUL (see `nul_free`):
# no string in it can carry one, so the NUL check is skipped.
NUL_FREE: dict[str, bool] = {"nul_free": True}


def nul_free(raw: bytes) -> bool:
    """True if no string of this JSON text can hold a NUL: JSON writes one only as the
    escape `\\u0000` (a raw control character is not JSON). An escaped backslash before
    `u0000` also matches, which only costs that record the full check."""
    return b"\\u0000" not in raw and b"\x00" not in raw


def _checked_for_nul(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("nul_free"))


class ContractModel(BaseModel):
    """Base of every contract model: frozen, extra fields ignored, strings bounded and NUL-free."""

    model_config = ConfigDict(extra="ignore", frozen=True, str_max_length=MAX_TEXT_LENGTH)

    @model_validator(mode="after")
    def _refuse_nul(self, info: ValidationInfo) -> Self:
        # Once per model, not once per field: a Python call on every field of every consumed
        # event cost a tenth of the decoding.
        if not _checked_for_nul(info):
            for name, value in self.__dict__.items():
                try:
                    refuse_nul(value)
                except ValueError as error:
                    raise ValueError(f"{name} {error}") from None
        return self


class EventData(ContractModel):
    """Base of every event payload. `event_type` and `topic` name where it travels."""

    event_type: ClassVar[str]
    topic: ClassVar[str]

    def subject(self) -> str:
        """The account the event is about: the CloudEvent subject and the Kafka key."""
        return str(getattr(self, "customer_id", None) or getattr(self, "account_id", ""))


class CloudEventAttributes(BaseModel):
    """The context attributes of a CloudEvent: what every event has whatever its data."""

    model_config = ConfigDict(extra="allow", frozen=True)

    specversion: Literal["1.0"]
    # Bounded by the inbox's event_id column.
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    subject: str = Field(min_length=1, max_length=200)
    time: UtcDateTime
    datacontenttype: str = Field(default="application/json", max_length=200)

    @field_validator("id", "source", "type", "subject", "datacontenttype")
    @classmethod
    def _refuse_nul(cls, value: str, info: ValidationInfo) -> str:
        return value if _checked_for_nul(info) else str(refuse_nul(value))


def typed_cloud_event(event: type[EventData]) -> type[CloudEventAttributes]:
    """The CloudEvent of one event type, its `data` validated as that type in the same pass
    (in pydantic's core: no intermediate dict, no second validation)."""
    # A literal of a value known only here: a type the checker cannot follow.
    only_this_type: Any = Literal[event.event_type]
    return create_model(
        f"{event.__name__}CloudEvent",
        __base__=CloudEventAttributes,
        type=(only_this_type, ...),
        data=(event, ...),
    )


class CloudEvent(CloudEventAttributes):
    """A CloudEvent with its `data` as JSON values (what the outbox writes and relays)."""

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

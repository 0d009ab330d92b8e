"""Privacy events every service publishes, version 1: it has finished an erasure that accounts
asked for (`accounts.contact.erased.v1`). Ids only."""

from typing import ClassVar

from pydantic import Field

from contracts.envelope import EventData
from contracts.types import UtcDateTime

ERASURES_TOPIC = "privacy.erasures.v1"


class ErasureCompleted(EventData):
    """A service anonymised its copies of the personal data an erasure names; accounts marks
    that service done in the erasure report. Published once per erasure and service (again is
    harmless)."""

    event_type: ClassVar[str] = "privacy.erasure.completed.v1"
    topic: ClassVar[str] = ERASURES_TOPIC

    account_id: str
    erasure_id: str = Field(min_length=1, max_length=64)
    service: str = Field(
        min_length=1, max_length=30, description="the publishing service, e.g. engagement"
    )
    completed_at: UtcDateTime


EVENTS: tuple[type[EventData], ...] = (ErasureCompleted,)

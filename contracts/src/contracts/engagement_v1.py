"""Events published by the engagement service, version 1 (satisfaction feedback).

The engagement service does not exist yet; this is the contract it will publish and the
accounts service consumes (the satisfaction indicator of the relationship scorecard).
"""

from typing import ClassVar, Self

from pydantic import Field, model_validator

from contracts.envelope import EventData
from contracts.types import UtcDateTime

FEEDBACK_TOPIC = "engagement.feedback.v1"
SOURCE = "engagement"


class FeedbackRecorded(EventData):
    """A customer answered a satisfaction question: CSAT (1-5), NPS (0-10) or both.

    Asked after visits, after complaint closure and in periodic surveys (DOMAIN.md §2).
    Carries no personal data: the account, the scores and when they were given.
    """

    event_type: ClassVar[str] = "engagement.feedback.recorded.v1"
    topic: ClassVar[str] = FEEDBACK_TOPIC

    feedback_id: str = Field(min_length=1, max_length=64)
    account_id: str = Field(min_length=1, max_length=64)
    csat: int | None = Field(default=None, ge=1, le=5, description="satisfaction, 1 to 5")
    nps: int | None = Field(default=None, ge=0, le=10, description="would recommend, 0 to 10")
    context: str = Field(max_length=50, description="visit, complaint, survey, ...")
    responded_at: UtcDateTime

    @model_validator(mode="after")
    def _has_a_score(self) -> Self:
        if self.csat is None and self.nps is None:
            raise ValueError("feedback needs a csat or an nps score")
        return self


EVENTS: tuple[type[EventData], ...] = (FeedbackRecorded,)

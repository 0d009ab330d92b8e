"""The visit log, satisfaction feedback and sales targets."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal, get_args

from chassis import errors
from chassis.messages import _

Channel = Literal["phone", "email", "on_site", "video"]
Outcome = Literal[
    "order_placed", "opportunity", "information", "issue_raised", "no_interest", "not_reached"
]
FeedbackContext = Literal["visit", "complaint", "survey"]
# What a visit's next step can be.
NextStepKind = Literal["visit", "call"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
MAX_DURATION_MINUTES = 24 * 60


class InvalidVisit(errors.InvalidInput):
    code = "invalid_visit"


class InvalidFeedback(errors.InvalidInput):
    code = "invalid_feedback"


class InvalidTarget(errors.InvalidInput):
    code = "invalid_target"


@dataclass(frozen=True)
class NextStep:
    """What the manager agreed to do next: it becomes a plan item."""

    kind: NextStepKind
    due_on: date
    note: str = ""


@dataclass(frozen=True)
class Visit:
    visit_id: str
    account_id: str
    manager: str
    occurred_on: date
    channel: Channel
    duration_minutes: int
    outcome: Outcome
    logged_at: datetime
    # The company's calendar day when it was logged (a visit cannot be after it).
    logged_on: date
    item_id: str | None = None
    contact_ref: str | None = None
    notes: str = ""
    next_step: NextStep | None = None
    next_step_item_id: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_on > self.logged_on:
            raise InvalidVisit(
                _("a visit on %(day)s has not happened yet") % {"day": self.occurred_on}
            )
        if not 0 <= self.duration_minutes <= MAX_DURATION_MINUTES:
            raise InvalidVisit(_("duration_minutes must be between 0 and 1440"))
        if self.next_step is not None and self.next_step.due_on < self.occurred_on:
            raise InvalidVisit(_("the next step cannot be due before the visit"))


@dataclass(frozen=True)
class Feedback:
    feedback_id: str
    account_id: str
    context: FeedbackContext
    responded_at: datetime
    csat: int | None = None
    nps: int | None = None
    manager: str | None = None
    visit_id: str | None = None
    ticket_id: str | None = None

    def __post_init__(self) -> None:
        if self.csat is None and self.nps is None:
            raise InvalidFeedback(_("feedback needs a csat (1-5) or an nps (0-10) score"))
        if self.csat is not None and not 1 <= self.csat <= 5:
            raise InvalidFeedback(_("csat must be 1 to 5, not %(csat)s") % {"csat": self.csat})
        if self.nps is not None and not 0 <= self.nps <= 10:
            raise InvalidFeedback(_("nps must be 0 to 10, not %(nps)s") % {"nps": self.nps})


@dataclass(frozen=True)
class Target:
    """A manager's sales target for a month (its first day)."""

    manager: str
    month: date
    amount: Decimal
    currency: str
    set_by: str | None
    set_at: datetime

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise InvalidTarget(_("a target cannot be negative"))
        if self.month.day != 1:
            raise InvalidTarget(_("a target's month is its first day"))

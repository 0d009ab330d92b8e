"""Request and response models of the engagement JSON API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from engagement.domain.plan import (
    CancelReason,
    ItemKind,
    ItemState,
    Origin,
    Party,
    RescheduleReason,
)
from engagement.domain.visits import Channel, FeedbackContext, NextStepKind, Outcome

StaffId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]
AccountId = Annotated[str, Field(min_length=1, max_length=64)]
# Money as a decimal string, as in the events: at most 16 digits before the point.
Money = Annotated[Decimal, Field(ge=0, lt=Decimal(10) ** 16, decimal_places=2)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: StaffId = Field(description="staff id of who does this")


class PlanItemIn(Request):
    account_id: AccountId
    kind: ItemKind
    due_on: date
    window_end: date | None = Field(default=None, description="last day on time; default +2 days")
    note: str = Field(default="", max_length=2000)


class RescheduleIn(Request):
    due_on: date
    requested_by: Party
    reason: RescheduleReason


class CancelIn(Request):
    cancelled_by: Party = "customer"
    reason: CancelReason = "customer_cancelled"


class NextStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NextStepKind
    due_on: date
    note: str = Field(default="", max_length=2000)


class VisitIn(Request):
    account_id: AccountId
    item_id: str | None = Field(default=None, max_length=64, description="the planned item")
    visit_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9._-]+$",
        description="the client's id for this entry; logging it twice is refused",
    )
    occurred_on: date
    channel: Channel
    contact_ref: str | None = Field(default=None, max_length=64, description="card contact id")
    duration_minutes: int = Field(ge=0, le=24 * 60)
    outcome: Outcome
    notes: str = Field(default="", max_length=5000)
    next_step: NextStepIn | None = None
    csat: int | None = Field(default=None, ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10)


class VisitOut(BaseModel):
    visit_id: str
    next_step_item_id: str | None


class FeedbackIn(Request):
    account_id: AccountId
    context: FeedbackContext
    csat: int | None = Field(default=None, ge=1, le=5)
    nps: int | None = Field(default=None, ge=0, le=10)
    visit_id: str | None = Field(default=None, max_length=64)
    ticket_id: str | None = Field(default=None, max_length=64)


class FeedbackOut(BaseModel):
    feedback_id: str
    account_id: str
    context: str
    csat: int | None
    nps: int | None
    responded_at: datetime


class TargetIn(Request):
    amount: Money
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")


class TargetOut(BaseModel):
    manager: str
    month: str
    amount: Decimal
    currency: str


class ItemOut(BaseModel):
    item_id: str
    account_id: str
    account_name: str
    owner: str | None
    kind: ItemKind
    origin: Origin
    state: ItemState
    due_on: date
    window_start: date
    window_end: date
    note: str
    reschedule_count: int
    account_reschedule_count: int
    tier: str | None
    visit_id: str | None


class RescheduleOut(BaseModel):
    previous_due_on: date
    due_on: date
    requested_by: str
    reason: str
    actor: str | None
    at: datetime


class ItemDetailOut(ItemOut):
    trigger: str | None
    replaced_by: str | None
    cancelled_by: str | None
    reschedules: list[RescheduleOut]


class ProgressOut(BaseModel):
    target: Decimal
    actual: Decimal
    share: float | None


class TargetProgressOut(BaseModel):
    currency: str
    day: ProgressOut
    week: ProgressOut
    month_to_date: ProgressOut
    month: ProgressOut


class CompletionOut(BaseModel):
    planned: int
    done: int
    share: float | None


class WeeklyBoardOut(BaseModel):
    manager: str
    today: date
    week_start: date
    overdue: list[ItemOut]
    today_items: list[ItemOut]
    tomorrow: list[ItemOut]
    this_week: list[ItemOut]
    completion: CompletionOut
    target: TargetProgressOut | None


class TeamRowOut(BaseModel):
    manager: str
    counts: dict[str, int]
    completion: CompletionOut
    target: TargetProgressOut | None


class TeamBoardOut(BaseModel):
    team: str
    supervisor: str | None
    today: date
    week_start: date
    managers: list[TeamRowOut]
    completion: CompletionOut


class WeekOut(BaseModel):
    week_start: date
    items: list[ItemOut]


class MonthlyBoardOut(BaseModel):
    manager: str
    month: str
    weeks: list[WeekOut]
    spanning: list[ItemOut]
    completion: CompletionOut
    target: TargetProgressOut | None


class AccountPlanOut(BaseModel):
    account_id: str
    name: str
    manager: str | None
    tier: str | None
    reschedule_count: int
    last_done_on: date | None
    next_contact: ItemOut | None
    items: list[ItemOut]
    visits: list[dict[str, Any]]
    feedback: list[dict[str, Any]]


class IntervalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    weeks: int = Field(default=0, ge=0, le=104)
    months: int = Field(default=0, ge=0, le=24)

    @model_validator(mode="after")
    def not_empty(self) -> "IntervalIn":
        if self.weeks == 0 and self.months == 0:
            raise ValueError("an interval needs weeks or months")
        return self


class TierIntervalsIn(BaseModel):
    """How often each tier is visited."""

    model_config = ConfigDict(extra="forbid")
    vip: IntervalIn
    A: IntervalIn
    B: IntervalIn
    C: IntervalIn
    D: IntervalIn


class TierWindowsIn(BaseModel):
    """Days after a cadence item's due date that still count as on time, per tier."""

    model_config = ConfigDict(extra="forbid")
    vip: int = Field(ge=0, le=90)
    A: int = Field(ge=0, le=90)
    B: int = Field(ge=0, le=90)
    C: int = Field(ge=0, le=90)
    D: int = Field(ge=0, le=90)


class PolicyIn(Request):
    intervals: TierIntervalsIn
    window_days: TierWindowsIn
    horizon_weeks: int = Field(default=8, ge=1, le=52)


class PolicyOut(BaseModel):
    version: int
    state: str
    data: dict[str, Any]
    created_by: str
    created_at: datetime
    activated_at: datetime | None


class PolicyStatusOut(BaseModel):
    active_version: int
    accounts_behind: int


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supervisor: StaffId
    managers: list[StaffId] = Field(max_length=200)


class HolidayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    on: date
    name: str = Field(min_length=1, max_length=100)


class CalendarIn(Request):
    holidays: list[HolidayIn] = Field(max_length=1000)
    working_days: list[date] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def each_day_once(self) -> "CalendarIn":
        holidays = [holiday.on for holiday in self.holidays]
        if len(set(holidays)) < len(holidays):
            raise ValueError("a day is listed twice among the holidays")
        if len(set(self.working_days)) < len(self.working_days):
            raise ValueError("a day is listed twice among the working days")
        if set(holidays) & set(self.working_days):
            raise ValueError("a day cannot be both a holiday and a working day")
        return self

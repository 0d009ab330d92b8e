"""Request and response models of the engagement JSON API."""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from chassis.http import JSON_INTEGER
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
# Money as a decimal string, as in the events and as GET returns it: at most 16 digits before
# the point and 2 after. A JSON number would round; the pattern states the bounds.
MONEY_PATTERN = r"^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$"


def _money_text(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(MONEY_PATTERN, value):
        return value
    raise ValueError("an amount written as a string, e.g. '230000.00'")


Money = Annotated[
    Decimal,
    BeforeValidator(_money_text),
    WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["230000.00"]}),
]


def _date_text(value: object) -> object:
    """A JSON Schema `date` (RFC 3339 full-date, `2026-12-03`): pydantic's lax mode also took
    a number (`0` as 1970-01-01), which the document refuses."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        raise ValueError("a date is YYYY-MM-DD")
    return value


JsonDate = Annotated[date, BeforeValidator(_date_text)]
# The years the boards and targets cover (`engagement.service_layer.views`), in the pattern.
BOARD_YEAR = r"(20[0-9]{2}|2100)"
BOARD_DAY_PATTERN = f"^{BOARD_YEAR}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
BOARD_MONTH_PATTERN = f"^{BOARD_YEAR}-(0[1-9]|1[0-2])$"


def _board_day(value: object) -> object:
    if isinstance(value, str) and re.fullmatch(BOARD_DAY_PATTERN, value):
        return value
    raise ValueError("a day of the years 2000 to 2100, YYYY-MM-DD")


BoardDay = Annotated[
    date,
    BeforeValidator(_board_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": BOARD_DAY_PATTERN}),
]


def _not_a_boolean(value: object) -> object:
    """No `true` for 1. Digit strings stay: the pages' forms (`engagement.ui`) are text."""
    if isinstance(value, bool):
        raise ValueError("an integer, not a boolean")
    return value


FORM_INTEGER = BeforeValidator(_not_a_boolean)


class Request(BaseModel):
    """A request body; who acts is the signed-in user (the token), never a field."""

    model_config = ConfigDict(extra="forbid")


# Satisfaction scores are JSON integers and nothing else: `4.0`, `"4"` or `true` is a 422 (the
# pages turn their form's digits into numbers first).
SCORE = 'a JSON integer written without a fraction: 4.0, "4" or true is refused'
Csat = Annotated[int, Field(ge=1, le=5, strict=True, description=f"CSAT 1-5, {SCORE}")]
Nps = Annotated[int, Field(ge=0, le=10, strict=True, description=f"NPS 0-10, {SCORE}")]


class PlanItemIn(Request):
    account_id: AccountId
    kind: ItemKind
    due_on: JsonDate
    window_end: JsonDate | None = Field(
        default=None, description="last day on time; default +2 days"
    )
    note: str = Field(default="", max_length=2000)


class RescheduleIn(Request):
    due_on: JsonDate
    requested_by: Party
    reason: RescheduleReason


class CancelIn(Request):
    cancelled_by: Party = "customer"
    reason: CancelReason = "customer_cancelled"


class NextStepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: NextStepKind
    due_on: JsonDate
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
    occurred_on: JsonDate
    channel: Channel
    contact_ref: str | None = Field(default=None, max_length=64, description="card contact id")
    duration_minutes: Annotated[int, FORM_INTEGER] = Field(ge=0, le=24 * 60)
    outcome: Outcome
    notes: str = Field(default="", max_length=5000)
    next_step: NextStepIn | None = None
    csat: Csat | None = None
    nps: Nps | None = None


class VisitOut(BaseModel):
    visit_id: str
    next_step_item_id: str | None


class FeedbackIn(Request):
    account_id: AccountId
    context: FeedbackContext
    csat: Csat | None = None
    nps: Nps | None = None
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


class SkippedOut(BaseModel):
    """A contact's yearly date with no care touch: the contact withdrew consent to marketing
    contact (until it is given again)."""

    origin: str
    contact_reference: str
    occurs_on: date
    reason: Literal["consent_withdrawn"]
    withdrawn_at: datetime


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
    skipped: list[SkippedOut] = Field(
        default_factory=list, description="care touches not planned: the contact's consent"
    )


class IntervalIn(BaseModel):
    # Weeks or months, at least one of them 1 or more: the document says so too.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "anyOf": [
                {"required": ["weeks"], "properties": {"weeks": {"minimum": 1}}},
                {"required": ["months"], "properties": {"months": {"minimum": 1}}},
            ]
        },
    )
    weeks: Annotated[int, JSON_INTEGER] = Field(default=0, ge=0, le=104)
    months: Annotated[int, JSON_INTEGER] = Field(default=0, ge=0, le=24)

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
    vip: Annotated[int, JSON_INTEGER] = Field(ge=0, le=90)
    A: Annotated[int, JSON_INTEGER] = Field(ge=0, le=90)
    B: Annotated[int, JSON_INTEGER] = Field(ge=0, le=90)
    C: Annotated[int, JSON_INTEGER] = Field(ge=0, le=90)
    D: Annotated[int, JSON_INTEGER] = Field(ge=0, le=90)


class PolicyIn(Request):
    intervals: TierIntervalsIn
    window_days: TierWindowsIn
    horizon_weeks: Annotated[int, JSON_INTEGER] = Field(default=8, ge=1, le=52)


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

    on: JsonDate
    name: str = Field(min_length=1, max_length=100)


class CalendarIn(Request):
    holidays: list[HolidayIn] = Field(max_length=1000)
    working_days: list[JsonDate] = Field(
        default_factory=list, max_length=200, json_schema_extra={"uniqueItems": True}
    )

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

"""Request and response models of the complaints JSON API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from chassis.http import JSON_INTEGER
from chassis.i18n import _
from complaints.domain.calendar import MAX_HOLIDAY_NAME
from complaints.domain.policy import Category, ClockName, Tier, Unit
from complaints.domain.tickets import Channel, Department, Remedy, Status

# Each clock target at most a year (wall time, or open time on a calendar): larger amounts
# overflow the deadline arithmetic (docs/decisions/0011-input-bounds.md).
MAX_TARGET: dict[Unit, int] = {
    "seconds": 365 * 86400,
    "minutes": 365 * 1440,
    "hours": 365 * 24,
    "days": 365,
    "working_days": 260,
}
# The queue pages far past any real queue, and the offset stays a small number.
MAX_PAGE = 10_000
# An order reference as the ERP writes it (`SO-90001`).
OrderRef = Annotated[str, Field(min_length=1, max_length=64)]
# A request body is taken as its document types it: no `0` for false, no `"1"` for 1 (strict),
# so input the document refuses is refused here too.
BODY = ConfigDict(extra="forbid", strict=True)
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# `09:00-12:30`, an end up to `24:00`; that a period starts before it ends and periods follow
# each other is the calendar's own rule (a 422 from the domain).
WorkingPeriod = Annotated[
    str,
    Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$",
        examples=["09:00-12:00"],
    ),
]


def _full_date(text: str) -> str:
    """A JSON Schema `date` (RFC 3339 full-date, `2026-10-01`), kept as its text."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise ValueError("a date is YYYY-MM-DD")
    date.fromisoformat(text)
    return text


JsonInt = Annotated[int, JSON_INTEGER]
HolidayDate = Annotated[
    str, AfterValidator(_full_date), WithJsonSchema({"type": "string", "format": "date"})
]


class Request(BaseModel):
    """A request body; who acts is the signed-in principal, never a field."""

    model_config = BODY


class FileTicketIn(Request):
    account_id: str = Field(min_length=1, max_length=64)
    contact: str = Field(min_length=1, max_length=300, description="who complained, how to reach")
    channel: Channel
    category: Category
    severity: JsonInt = Field(
        ge=1, le=3, description="1 severe (safety, major loss), 2 defect, 3 minor"
    )
    description: str = Field(min_length=1, max_length=5000)
    order_refs: list[OrderRef] = Field(default_factory=list, max_length=50)


class InvestigateIn(Request):
    department: Department | None = None


class AssignIn(Request):
    department: Department
    handler: str | None = Field(default=None, max_length=64)


class ProposeSolutionIn(Request):
    remedy: Remedy
    solution: str = Field(min_length=1, max_length=5000)


class ReasonIn(Request):
    reason: str = Field(min_length=1, max_length=5000)


class ResolveIn(Request):
    root_cause: str = Field(min_length=1, max_length=5000)


class FollowUpIn(Request):
    note: str = Field(default="", max_length=5000)


class CloseIn(Request):
    satisfaction: Annotated[int, Field(ge=1, le=5), JSON_INTEGER] | None = None


class ReviewReturnIn(Request):
    remedy: Literal["replace", "refund"]


class RegulatorReportIn(Request):
    reference: str = Field(
        min_length=1, max_length=200, description="the regulator's case or filing reference"
    )


class ClockOut(BaseModel):
    clock: ClockName
    state: Literal["pending", "running", "paused", "stopped"]
    outcome: Literal["met", "breached"] | None
    cycle: int
    target: str
    calendar: str | None
    pausable: bool
    starts_on: str
    stops_on: str
    started_at: datetime | None
    deadline: datetime | None
    budget_seconds: float | None
    used_seconds: float
    remaining_seconds: float | None
    paused_seconds: float
    paused_since: datetime | None
    pause_reason: str | None
    warnings_fired: int
    thresholds: list[int]
    breached_at: datetime | None
    stopped_at: datetime | None


class HistoryOut(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: dict[str, Any]


class TicketSummaryOut(BaseModel):
    id: str
    account_id: str
    account_name: str
    channel: Channel
    category: Category
    severity: int
    status: Status
    vip: bool
    tier: Tier | None
    department: Department | None
    handler: str | None
    opened_at: datetime
    next_deadline_at: datetime | None
    escalation_level: int
    repeat_count: int
    cause_repeat_count: int


class TicketOut(TicketSummaryOut):
    contact: str
    description: str
    order_refs: list[str]
    policy_version: int
    opened_by: str
    remedy: Remedy | None
    solution: str | None
    root_cause: str | None
    satisfaction: int | None
    reopen_count: int
    clocks: list[ClockOut]
    history: list[HistoryOut]


class TicketPage(BaseModel):
    items: list[TicketSummaryOut]
    total: int
    page: int
    page_size: int


class QueueQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    severity: int | None = Field(default=None, ge=1, le=3)
    account_id: str | None = Field(default=None, max_length=64)
    include_closed: bool = False
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=500)


class HolidayNameIn(BaseModel):
    """A holiday's name in each language; one left out is empty (the page shows the other)."""

    model_config = BODY

    en: str = Field(default="", max_length=MAX_HOLIDAY_NAME, examples=["National Day"])
    zh: str = Field(default="", max_length=MAX_HOLIDAY_NAME, examples=["国庆节"])


class HolidayIn(BaseModel):
    model_config = BODY

    date: HolidayDate
    name: HolidayNameIn = Field(default_factory=HolidayNameIn)


class _BareDateToo:
    """A holiday may come as a bare date (the API's first shape), documented as such."""

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"anyOf": [handler(schema), {"type": "string", "format": "date"}]}


def _named(value: Any) -> Any:
    return {"date": value} if isinstance(value, str) else value


# A bare date's refusal then names the field as an object's would: `body.holidays.0.date`.
Holiday = Annotated[HolidayIn, BeforeValidator(_named), _BareDateToo()]


class CalendarIn(BaseModel):
    model_config = BODY

    time_zone: str = Field(min_length=1, max_length=64, examples=["Asia/Shanghai"])
    week: dict[Weekday, Annotated[list[WorkingPeriod], Field(max_length=48)]] = Field(
        description='working periods per weekday, e.g. {"monday": ["09:00-12:00", "13:00-18:00"]};'
        " a weekday left out is closed"
    )
    holidays: list[Holiday] = Field(
        default_factory=list,
        max_length=1000,
        description='each {"date": "2026-10-01", "name": {"en": "National Day", "zh": "国庆节"}},'
        ' or a bare date ("2026-10-01": a holiday without a name); a date at most once',
    )


class HolidayNameOut(BaseModel):
    en: str
    zh: str


class HolidayOut(BaseModel):
    date: str = Field(examples=["2026-10-01"])
    name: HolidayNameOut


class CalendarOut(BaseModel):
    name: str
    version: int
    time_zone: str
    week: dict[str, list[str]]
    holidays: list[HolidayOut]
    updated_at: datetime
    updated_by: str


class TargetIn(BaseModel):
    model_config = BODY

    amount: JsonInt = Field(
        gt=0, description="at most a year: 365 days, 8760 hours, 260 working days"
    )
    unit: Unit
    calendar: str | None = Field(default=None, max_length=64, description="absent: wall time")
    pausable: bool = False

    @model_validator(mode="after")
    def at_most_a_year(self) -> Self:
        if self.amount > MAX_TARGET[self.unit]:
            raise ValueError(
                _("at most %(amount)s %(unit)s")
                % {"amount": MAX_TARGET[self.unit], "unit": _(self.unit.replace("_", " "))}
            )
        return self


class RuleIn(BaseModel):
    model_config = BODY

    name: str = Field(default="", max_length=200)
    severity: Annotated[int, Field(ge=1, le=3), JSON_INTEGER] | None = None
    category: Category | None = None
    tier: Tier | None = None
    vip: bool | None = None
    targets: dict[ClockName, TargetIn]


class PolicyDocumentIn(BaseModel):
    """A policy as stored and as the policies page edits it."""

    model_config = BODY

    note: str = Field(default="", max_length=500)
    warning_thresholds: list[Annotated[int, Field(ge=1, le=99), JSON_INTEGER]] = Field(
        default_factory=lambda: [75, 90], max_length=10
    )
    rules: list[RuleIn] = Field(min_length=1, max_length=200)


class PolicyIn(PolicyDocumentIn):
    activate: bool = True

    def document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"activate"})


class PolicyOut(BaseModel):
    version: int
    active: bool
    created_at: datetime
    created_by: str
    document: dict[str, Any]


class StandardAnswerIn(BaseModel):
    model_config = BODY

    category: Category
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=5000)


class StandardAnswerOut(BaseModel):
    id: int
    category: Category
    title: str
    body: str


class BoardClockOut(BaseModel):
    id: str
    account_id: str
    account_name: str
    severity: int
    status: Status
    vip: bool
    escalation_level: int
    clock: ClockName
    deadline: datetime | None
    breached_at: datetime | None
    warnings_fired: int


class BoardOut(BaseModel):
    now: datetime
    open_total: int
    open_by_severity: dict[int, int]
    breached_total: int
    warned_total: int
    breached: list[BoardClockOut]
    warned: list[BoardClockOut]


class AccountOut(BaseModel):
    """What complaints knows of an account, from the accounts events."""

    account_id: str
    name: str
    tier: Tier | None
    vip: bool

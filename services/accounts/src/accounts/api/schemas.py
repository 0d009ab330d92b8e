"""Request and response models of the accounts JSON API."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic_core import core_schema

from chassis.http import INT4_MAX, JSON_INTEGER
from contracts.types import DecimalString

Level = Literal["high", "medium", "low"]
Grade = Literal["A", "B", "C", "D"]
AbcClass = Literal["A", "B", "C"]
Stage = Literal["prospect", "new", "active", "at_risk", "dormant"]
SortField = Literal[
    "name",
    "account_id",
    "region",
    "segment",
    "net_revenue_12m",
    "order_count_12m",
    "value_class",
    "frequency_class",
    "abc_class",
    "grade",
    "score",
    "lifecycle_stage",
    "last_order_at",
]


# The list pages far past any real list, and the offset stays a small number.
MAX_PAGE = 10_000


@dataclass(frozen=True)
class DecimalText:
    """`Annotated[Decimal, DecimalText(pattern, example)]`: a decimal written as a string that
    matches `pattern`, as GET returns it. A JSON float would round, and the pattern states the
    bounds and places in the document, where `ge`/`le` on a string could not."""

    pattern: str
    example: str

    def written_out(self, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(self.pattern, value):
            return value
        raise ValueError(f"a decimal written as a string, e.g. {self.example!r}")

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.written_out, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        return {"type": "string", "pattern": self.pattern, "examples": [self.example]}


# Money as the database keeps it (numeric(18,2), under 10^15); shares and margins from 0 to 1
# with six places; scores from 0 to 100 with three; the complaint rate that scores zero up to
# 1000 with six.
Money = Annotated[Decimal, DecimalText(r"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,2})?$", "500000")]
Share = Annotated[Decimal, DecimalText(r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$", "0.80")]
Score = Annotated[Decimal, DecimalText(r"^(100(\.0{1,3})?|[1-9]?[0-9](\.[0-9]{1,3})?)$", "65")]
ComplaintRate = Annotated[
    Decimal, DecimalText(r"^(1000(\.0{1,6})?|(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?)$", "0.5")
]
Label = Annotated[str, Field(max_length=100)]


# The card's texts the domain refuses when they are only spaces: the document says so (and, as
# every free text, that they hold no NUL).
NOT_BLANK = r"^[^\u0000]*\S[^\u0000]*$"


def _rfc3339_text(value: Any) -> Any:
    """A time in a query is RFC 3339 text (`2026-11-01T00:00:00Z`), never a number of seconds,
    which pydantic would otherwise read as a Unix time."""
    if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise ValueError("an RFC 3339 date-time, e.g. 2026-11-01T00:00:00Z")
    return value


QueryDateTime = Annotated[datetime, BeforeValidator(_rfc3339_text)]


class Strict(BaseModel):
    """Input models refuse fields they do not know (a typo is an error, not silently lost)."""

    model_config = ConfigDict(extra="forbid")


class NominationQuery(Strict):
    """The filters of the VIP nominations list (an unknown parameter is a 422)."""

    status: Literal["pending", "approved", "rejected"] | None = None
    account_id: str | None = Field(default=None, max_length=64)


class AccessLogQuery(Strict):
    limit: int = Field(default=200, ge=1, le=1000, description="the newest entries, at most")


class AccountSearch(Strict):
    """Filters, sort and page of the account list (API query string and page form alike)."""

    region: str | None = Field(default=None, max_length=100)
    country: str | None = Field(default=None, max_length=100)
    segment: str | None = Field(default=None, max_length=100)
    account_manager: str | None = Field(default=None, max_length=64)
    value_class: Level | None = None
    frequency_class: Level | None = None
    abc_class: AbcClass | None = None
    grade: Grade | None = None
    lifecycle_stage: Stage | None = None
    vip: bool | None = None
    priority_lead: bool | None = None
    card_stale: bool | None = None
    referred_by: str | None = Field(default=None, max_length=64)
    q: str | None = Field(default=None, max_length=100, description="name or id contains")
    sort: SortField = "name"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=500)

    def filters(self) -> dict[str, Any]:
        return self.model_dump(exclude={"q", "sort", "order", "page", "page_size"})


class AccountOut(BaseModel):
    account_id: str
    name: str
    region: str
    country: str
    segment: str
    address: str
    account_manager: str | None
    registered_at: datetime
    origin: str
    referred_by: str | None
    priority_lead: bool
    order_count_12m: int
    net_revenue_12m: DecimalString
    currency: str
    value_class: Level
    frequency_class: Level
    classified_at: datetime | None
    abc_class: AbcClass | None
    grade: Grade | None
    score: DecimalString | None
    recommendation: str | None
    policy_version: int | None
    lifecycle_stage: Stage
    lifecycle_changed_at: datetime | None
    first_order_at: datetime | None
    last_order_at: datetime | None
    vip: bool
    vip_since: datetime | None
    card_reviewed_at: datetime | None
    card_stale: bool
    last_contact_on: date | None = Field(description="the last logged contact (engagement)")
    last_contact_channel: str | None
    next_contact_due: date | None = Field(
        description="the earliest open item of the plan (engagement); may be overdue"
    )
    next_contact_kind: str | None = Field(description="visit, call, care_touch, follow_up")
    next_contact_origin: str | None = Field(description="cadence, birthday, retention, ...")


class AccountPage(BaseModel):
    items: list[AccountOut]
    total: int
    page: int
    page_size: int


class TierDecisionOut(BaseModel):
    decided_at: datetime
    value_class: Level
    frequency_class: Level
    abc_class: AbcClass | None = None
    grade: Grade | None = None
    score: DecimalString | None = None
    recommendation: str | None = None
    policy_version: int | None = None
    reason: str
    inputs: dict[str, Any]


class LifecycleChangeOut(BaseModel):
    changed_at: datetime
    previous_stage: Stage | None
    stage: Stage
    reactivated: bool
    reason: str


class ProspectIn(Strict):
    # The ids `accounts.service_layer.accounts.ACCOUNT_ID` takes; empty or absent: generated.
    account_id: str | None = Field(
        default=None,
        pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]{0,63})?$",
        description="the id the ERP will use, if known",
    )
    name: str = Field(min_length=1, max_length=300)
    region: str = Field(default="", max_length=100)
    country: str = Field(default="", max_length=100)
    segment: str = Field(default="", max_length=100)
    address: str = Field(default="", max_length=500)
    account_manager: str | None = Field(default=None, max_length=64)
    # An empty id would be stored as a referrer that does not exist: absent is null.
    referred_by: str | None = Field(default=None, min_length=1, max_length=64)


class ReferralIn(Strict):
    referred_by: str | None = Field(
        min_length=1, max_length=64, description="the referring account; null clears"
    )


# --- relationship card -------------------------------------------------------------------------


class ContactIn(Strict):
    contact_id: str = Field(
        default="",
        max_length=32,
        description="empty for a new contact; the id the service gives it is the contact's "
        "`reference` from then on (key-date events, other services' pages): send it back "
        "unchanged, or the contact becomes a new one",
    )
    name: str = Field(max_length=100, pattern=NOT_BLANK)
    position: str = Field(default="", max_length=100)
    work_unit: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    email: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=300)
    birthday: date | None = None
    preferred_channel: Literal["", "phone", "email", "wechat", "sms", "visit"] = ""
    call_window_start: time | None = None
    call_window_end: time | None = None


class PreferencesIn(Strict):
    product_categories: list[Label] = Field(default_factory=list, max_length=100)
    brands: list[Label] = Field(default_factory=list, max_length=100)
    price_sensitivity: Literal["", "low", "medium", "high"] = ""
    payment_habits: str = Field(default="", max_length=500)
    delivery_habits: str = Field(default="", max_length=500)


class ImportantDateIn(Strict):
    date_id: str = Field(
        default="", max_length=32, description="empty for a new date; then its `reference`"
    )
    label: str = Field(max_length=100, pattern=NOT_BLANK)
    on: date
    recurring: bool = True


class NoteIn(Strict):
    note_id: str = Field(default="", max_length=32)
    text: str = Field(max_length=2000, pattern=NOT_BLANK)
    purpose: str = Field(
        max_length=200, pattern=NOT_BLANK, description="why this note is kept (privacy)"
    )
    # Read back from GET and sent again unchanged: ignored, a note keeps its author and time.
    written_by: str | None = Field(default=None, max_length=64)
    written_at: datetime | None = None


class CardIn(Strict):
    """The whole card as it should be from now on (items left out are removed)."""

    contacts: list[ContactIn] = Field(default_factory=list, max_length=100)
    preferences: PreferencesIn = Field(default_factory=PreferencesIn)
    important_dates: list[ImportantDateIn] = Field(default_factory=list, max_length=100)
    notes: list[NoteIn] = Field(default_factory=list, max_length=200)
    expected_version: Annotated[int, Field(ge=0, le=INT4_MAX), JSON_INTEGER] | None = Field(
        default=None, description="the version edited; a newer one on the server is a 409"
    )


class ContactOut(ContactIn):
    model_config = ConfigDict(extra="ignore")


class NoteOut(NoteIn):
    model_config = ConfigDict(extra="ignore")


class CardOut(BaseModel):
    account_id: str
    version: int
    as_of: datetime | None
    updated_by: str | None
    updated_at: datetime | None
    reviewed_at: datetime | None
    stale: bool
    contacts: list[ContactOut]
    preferences: PreferencesIn
    important_dates: list[ImportantDateIn]
    notes: list[NoteOut]


class ContactNameOut(BaseModel):
    reference: str = Field(description="the contact id, as in AccountKeyDatesChanged")
    name: str
    position: str


class DateLabelOut(BaseModel):
    reference: str = Field(description="the date id, as in AccountKeyDatesChanged")
    label: str
    recurring: bool


class CardNamesOut(BaseModel):
    """What another service's page shows for a reference, and nothing more of the card."""

    account_id: str
    version: int
    contacts: list[ContactNameOut]
    dates: list[DateLabelOut]


class ReviewIn(Strict):
    note: str = Field(default="", max_length=1000)


class CardChangeOut(BaseModel):
    section: str
    item: str
    field: str
    before: str
    after: str


class CardVersionOut(BaseModel):
    version: int
    changed_by: str
    changed_at: datetime
    changes: list[CardChangeOut]


class CardReviewOut(BaseModel):
    reviewed_by: str
    reviewed_at: datetime
    note: str


class CardHistoryOut(BaseModel):
    versions: list[CardVersionOut]
    reviews: list[CardReviewOut]


class AccessOut(BaseModel):
    actor: str
    action: str
    what: str
    purpose: str
    at: datetime


# --- privacy -----------------------------------------------------------------------------------


class ConsentIn(Strict):
    state: Literal["given", "withdrawn"]
    channel: Literal["form", "email", "phone", "in_person"] = Field(
        description="how the contact gave or withdrew consent"
    )
    note: str = Field(default="", max_length=500)


class ConsentOut(BaseModel):
    contact_id: str
    state: str
    channel: str
    recorded_by: str
    recorded_at: datetime
    note: str


class ConsentsOut(BaseModel):
    current: list[ConsentOut] = Field(description="the record in force, per contact")
    history: list[ConsentOut] = Field(description="every record, newest first")


class AuditQuery(Strict):
    """The audit of personal data: filters (all optional), page."""

    account_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=64, description="a staff id, e.g. AM-01")
    since: date | None = Field(default=None, description="from this day (UTC), inclusive")
    until: date | None = Field(default=None, description="to this day (UTC), inclusive")
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=500)


class AuditEntryOut(AccessOut):
    account_id: str


class AuditPage(BaseModel):
    items: list[AuditEntryOut]
    total: int
    page: int
    page_size: int


class ErasureIn(Strict):
    contact_id: str | None = Field(
        default=None, min_length=1, max_length=32, description="one contact; null: every contact"
    )
    why: str = Field(min_length=1, max_length=500, description="the request: who asked, how")


class ErasureServiceOut(BaseModel):
    service: str
    state: Literal["pending", "done"]
    completed_at: datetime | None


class ErasureOut(BaseModel):
    erasure_id: str
    account_id: str
    scope: Literal["contact", "account"]
    contact_ids: list[str]
    reason: Literal["request", "dormant"]
    why: str
    requested_by: str
    requested_at: datetime
    services: list[ErasureServiceOut]
    done: bool = Field(description="every service has erased its copies")


class ErasureQuery(Strict):
    account_id: str | None = Field(default=None, max_length=64)
    page: int = Field(default=1, ge=1, le=MAX_PAGE)
    page_size: int = Field(default=50, ge=1, le=500)


class ErasurePage(BaseModel):
    items: list[ErasureOut]
    total: int
    page: int
    page_size: int


# --- VIP ---------------------------------------------------------------------------------------


class NominationIn(Strict):
    reason: str = Field(max_length=1000)


class DecisionIn(Strict):
    note: str = Field(default="", max_length=1000)


class RevocationIn(Strict):
    reason: str = Field(max_length=1000)


class NominationOut(BaseModel):
    id: int
    account_id: str
    name: str
    status: str
    reason: str
    nominated_by: str
    nominated_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    revoked_by: str | None
    revoked_at: datetime | None
    revoke_reason: str | None


class CandidateOut(BaseModel):
    rank: int
    account_id: str
    name: str
    net_revenue_12m: DecimalString
    grade: Grade | None
    vip: bool
    pending_nomination: bool


# --- tier policies -----------------------------------------------------------------------------


class RecencyBandIn(Strict):
    within_days: int = Field(gt=0, le=3660, description="at most ten years")
    score: int = Field(ge=0, le=100)


class TierPolicyIn(Strict):
    """A whole tier policy. Start from GET .../tier-policies/{active version} and change it."""

    value_high: Money
    value_medium: Money
    frequency_high: int = Field(ge=0, le=100_000)
    frequency_medium: int = Field(ge=0, le=100_000)
    abc_a_share: Share
    abc_b_share: Share
    weights: dict[Annotated[str, Field(max_length=32)], Annotated[int, Field(ge=0, le=100)]] = (
        Field(max_length=20)
    )
    recency_bands: list[RecencyBandIn] = Field(max_length=20)
    complaint_rate_zero: ComplaintRate
    tenure_full_years: int = Field(ge=0, le=100)
    referrals_full: int = Field(ge=0, le=1000)
    grade_a: Score
    grade_b: Score
    grade_c: Score
    recommendations: dict[
        Annotated[str, Field(max_length=8)], Annotated[str, Field(max_length=16)]
    ] = Field(max_length=10)
    grade_margin: Score
    abc_margin: Share


class PolicyDraftIn(Strict):
    policy: TierPolicyIn
    note: str = Field(default="", max_length=1000)


class PolicyOut(BaseModel):
    version: int
    status: str
    note: str
    created_by: str
    created_at: datetime
    activated_by: str | None
    activated_at: datetime | None
    retired_at: datetime | None
    policy: dict[str, Any]


class PolicyChangeOut(BaseModel):
    account_id: str
    name: str
    before: dict[str, str | None]
    after: dict[str, str | None]
    score: DecimalString
    reason: str


class PolicyPreviewOut(BaseModel):
    version: int
    evaluated_at: datetime
    accounts: int
    distribution_now: dict[str, dict[str, int]]
    distribution_after: dict[str, dict[str, int]]
    changes: list[PolicyChangeOut]


class ActivationOut(BaseModel):
    version: int
    changed_accounts: list[str]


# --- evaluation reports ------------------------------------------------------------------------


class ReportIn(Strict):
    # The domain's periods (`accounts.domain.periods`) from 1900; before 3000, so a period's
    # end stays a date Python can hold (9999-H2 would end in the year 10000).
    period: str = Field(
        pattern=r"^(19|2[0-9])[0-9]{2}(-(Q[1-4]|H[12]))?$",
        description="2026-Q3, 2026-H1 or 2026 (a year from 1900 to 2999)",
    )


class ReportOut(BaseModel):
    id: int
    period: str
    kind: str
    period_start: datetime
    period_end: datetime
    policy_version: int
    account_count: int
    created_by: str
    created_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str | None


class ReportLineOut(BaseModel):
    account_id: str
    name: str
    account_manager: str | None
    order_count_period: int
    net_revenue_period: DecimalString
    order_count_12m: int
    net_revenue_12m: DecimalString
    value_class: Level
    frequency_class: Level
    score: DecimalString
    grade: Grade | None = Field(description="None: a prospect at the period's end, not graded")
    recommendation: str | None
    lifecycle_stage: Stage
    indicators: list[dict[str, Any]]


class ReportDetailOut(ReportOut):
    lines: list[ReportLineOut]

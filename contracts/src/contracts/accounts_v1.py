"""Events published by the accounts service, version 1. Ids and classes, never contact details."""

from typing import ClassVar, Literal

from pydantic import Field

from contracts.envelope import ContractModel, EventData
from contracts.types import DecimalString, UtcDateTime

ACCOUNTS_TOPIC = "accounts.accounts.v1"
SOURCE = "accounts"

ValueClass = Literal["high", "medium", "low"]
FrequencyClass = Literal["high", "medium", "low"]
AbcClass = Literal["A", "B", "C"]
Grade = Literal["A", "B", "C", "D"]
Recommendation = Literal["improve", "maintain", "end"]
LifecycleStage = Literal["prospect", "new", "active", "at_risk", "dormant"]


class AccountRegistered(EventData):
    """An account became known to Rapport (from ERP master data)."""

    event_type: ClassVar[str] = "accounts.account.registered.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    name: str
    region: str
    country: str
    segment: str
    account_manager: str | None = None
    registered_at: UtcDateTime
    origin: Literal["erp", "manager"] = "erp"
    referred_by: str | None = Field(default=None, description="the referring account's id")
    priority_lead: bool = Field(
        default=False, description="a referred prospect: a top-priority (A-level) lead"
    )


class AccountUpdated(EventData):
    """An account's master data, assignment or referral changed (company data only)."""

    event_type: ClassVar[str] = "accounts.account.updated.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    changed_fields: list[str] = Field(max_length=100)
    name: str
    region: str
    country: str
    segment: str
    account_manager: str | None = None
    referred_by: str | None = None
    priority_lead: bool = False
    updated_by: str | None = Field(default=None, description="staff id; null when from the ERP")
    updated_at: UtcDateTime


class ClassificationInputs(ContractModel):
    """What a classification decision was computed from."""

    order_count_12m: int
    net_revenue_12m: DecimalString
    currency: str
    window_start: UtcDateTime
    window_end: UtcDateTime
    value_high_threshold: DecimalString
    value_medium_threshold: DecimalString
    frequency_high_threshold: int
    frequency_medium_threshold: int


class IndicatorScore(ContractModel):
    """One line of the weighted relationship scorecard; `score` is null when there is no data."""

    indicator: str
    weight: int
    score: DecimalString | None = None
    detail: str


class AccountClassified(EventData):
    """An account's tier changed (value, frequency or ABC class, or scorecard grade).

    Carries the reason, the inputs and the version of the tier policy that decided it.
    """

    event_type: ClassVar[str] = "accounts.account.classified.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    value_class: ValueClass
    frequency_class: FrequencyClass
    previous_value_class: ValueClass | None = None
    previous_frequency_class: FrequencyClass | None = None
    reason: str = Field(min_length=1)
    inputs: ClassificationInputs
    classified_at: UtcDateTime
    abc_class: AbcClass | None = None
    previous_abc_class: AbcClass | None = None
    grade: Grade | None = None
    previous_grade: Grade | None = None
    score: DecimalString | None = None
    recommendation: Recommendation | None = None
    indicators: list[IndicatorScore] | None = Field(default=None, max_length=100)
    policy_version: int | None = None


class AccountLifecycleChanged(EventData):
    """An account moved to another lifecycle stage (prospect, new, active, at risk, dormant).

    `reactivated` is true when an order brought back an at-risk or dormant account.
    """

    event_type: ClassVar[str] = "accounts.account.lifecycle_changed.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    stage: LifecycleStage
    previous_stage: LifecycleStage | None = None
    reactivated: bool = False
    reason: str = Field(min_length=1)
    last_order_at: UtcDateTime | None = None
    usual_interval_days: int | None = None
    changed_at: UtcDateTime


class AccountCardUpdated(EventData):
    """An account's relationship card changed: which sections, never their contents."""

    event_type: ClassVar[str] = "accounts.account.card_updated.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    card_version: int
    changed_sections: list[str] = Field(max_length=100)
    contact_count: int
    updated_by: str
    updated_at: UtcDateTime


KeyDateKind = Literal["birthday", "anniversary"]


class KeyDate(ContractModel):
    """A yearly date on a card: which contact or card date it belongs to, its kind, month and
    day. No name, label or year travels (ARCHITECTURE.md: events carry ids, classes and dates)."""

    reference: str = Field(min_length=1, max_length=64, description="contact id or card date id")
    kind: KeyDateKind
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)


class AccountKeyDatesChanged(EventData):
    """The yearly dates an account's card holds changed; `key_dates` is the whole current set
    (contacts' birthdays and the card's recurring dates), so a consumer replaces what it had."""

    event_type: ClassVar[str] = "accounts.account.key_dates_changed.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    card_version: int
    key_dates: list[KeyDate] = Field(max_length=200)
    changed_at: UtcDateTime


class AccountCardReviewed(EventData):
    """A manager reviewed an account's relationship card: it is current again."""

    event_type: ClassVar[str] = "accounts.account.card_reviewed.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    reviewed_by: str
    reviewed_at: UtcDateTime


class AccountCardStale(EventData):
    """An account's relationship card has not been reviewed in time: a review task is due."""

    event_type: ClassVar[str] = "accounts.account.card_stale.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    last_reviewed_at: UtcDateTime | None = None
    stale_after_days: int
    key_account: bool
    flagged_at: UtcDateTime


class AccountVipNominated(EventData):
    """A manager nominated an account as VIP; a supervisor will approve or reject it."""

    event_type: ClassVar[str] = "accounts.account.vip_nominated.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    nomination_id: int
    nominated_by: str
    reason: str
    nominated_at: UtcDateTime


class AccountVipGranted(EventData):
    """A supervisor approved an account as VIP (key account): other services give it priority."""

    event_type: ClassVar[str] = "accounts.account.vip_granted.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    nominated_by: str
    approved_by: str
    reason: str
    granted_at: UtcDateTime
    nomination_id: int | None = None


class AccountVipRejected(EventData):
    """A supervisor rejected a VIP nomination."""

    event_type: ClassVar[str] = "accounts.account.vip_rejected.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    nomination_id: int
    nominated_by: str
    rejected_by: str
    note: str
    rejected_at: UtcDateTime


class AccountVipRevoked(EventData):
    """An account is no longer VIP."""

    event_type: ClassVar[str] = "accounts.account.vip_revoked.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    revoked_by: str
    reason: str
    revoked_at: UtcDateTime


class AccountReferralRecorded(EventData):
    """The account (the referrer) introduced another one: thank the referrer (a care task)."""

    event_type: ClassVar[str] = "accounts.account.referral_recorded.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str = Field(description="the referrer, who is to be thanked")
    referred_account_id: str
    recorded_by: str
    recorded_at: UtcDateTime


class AccountContactConsentChanged(EventData):
    """A card's contact gave or withdrew consent to marketing contact (care touches, surveys):
    the contact's reference and the state in force, nothing more about the person."""

    event_type: ClassVar[str] = "accounts.contact.consent_changed.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    contact_reference: str = Field(
        min_length=1, max_length=64, description="the contact id, as in AccountKeyDatesChanged"
    )
    state: Literal["given", "withdrawn"]
    recorded_by: str
    changed_at: UtcDateTime


class AccountContactsErased(EventData):
    """Personal data of an account's contacts is erased (on request, or the account has been
    dormant too long). Every service anonymises its copies about these contact references (scope
    `account`: every personal field it holds about the account, contact or not) and publishes
    `privacy.erasure.completed.v1` with the erasure id (contracts.privacy_v1)."""

    event_type: ClassVar[str] = "accounts.contact.erased.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    erasure_id: str = Field(min_length=1, max_length=64)
    scope: Literal["contact", "account"]
    contact_references: list[str] = Field(
        max_length=1000, description="the erased contacts' ids (every one the card ever had)"
    )
    reason: Literal["request", "dormant"]
    requested_by: str = Field(description="staff id; `accounts` for the dormant accounts job")
    erased_at: UtcDateTime


EVENTS: tuple[type[EventData], ...] = (
    AccountRegistered,
    AccountClassified,
    AccountVipGranted,
    AccountVipRevoked,
    AccountUpdated,
    AccountLifecycleChanged,
    AccountCardUpdated,
    AccountKeyDatesChanged,
    AccountCardReviewed,
    AccountCardStale,
    AccountVipNominated,
    AccountVipRejected,
    AccountReferralRecorded,
    AccountContactConsentChanged,
    AccountContactsErased,
)

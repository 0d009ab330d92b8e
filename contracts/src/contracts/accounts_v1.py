"""Events published by the accounts service, version 1. Ids and classes, never contact details."""

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.envelope import EventData
from contracts.types import DecimalString, UtcDateTime

ACCOUNTS_TOPIC = "accounts.accounts.v1"
SOURCE = "accounts"

ValueClass = Literal["high", "medium", "low"]
FrequencyClass = Literal["high", "medium", "low"]


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


class ClassificationInputs(BaseModel):
    """What a classification decision was computed from."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    order_count_12m: int
    net_revenue_12m: DecimalString
    currency: str
    window_start: UtcDateTime
    window_end: UtcDateTime
    value_high_threshold: DecimalString
    value_medium_threshold: DecimalString
    frequency_high_threshold: int
    frequency_medium_threshold: int


class AccountClassified(EventData):
    """An account's value or frequency class changed (its tier), with the reason and inputs."""

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


class AccountVipGranted(EventData):
    """A supervisor approved an account as VIP (key account): other services give it priority."""

    event_type: ClassVar[str] = "accounts.account.vip_granted.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    nominated_by: str
    approved_by: str
    reason: str
    granted_at: UtcDateTime


class AccountVipRevoked(EventData):
    """An account is no longer VIP."""

    event_type: ClassVar[str] = "accounts.account.vip_revoked.v1"
    topic: ClassVar[str] = ACCOUNTS_TOPIC

    account_id: str
    revoked_by: str
    reason: str
    revoked_at: UtcDateTime


EVENTS: tuple[type[EventData], ...] = (
    AccountRegistered,
    AccountClassified,
    AccountVipGranted,
    AccountVipRevoked,
)

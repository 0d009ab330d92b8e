"""What happened to an account, in the domain's terms. `adapters/published.py` maps each to
the published accounts contract; the service layer never builds contract events itself."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from accounts.domain.cards import KeyDate
from accounts.domain.evaluation import Evaluation, Tier
from accounts.domain.privacy import ConsentState, Erasure
from accounts.domain.tier_policy import TierPolicy


@dataclass(frozen=True)
class MasterData:
    """An account's master data as the ERP or a manager states it."""

    name: str
    region: str
    country: str
    segment: str
    account_manager: str | None


@dataclass(frozen=True)
class AccountRegistered:
    """From the ERP, or a prospect a manager entered (a referred one is a priority lead)."""

    account_id: str
    master: MasterData
    at: datetime
    origin: Literal["erp", "manager"] = "erp"
    referred_by: str | None = None
    priority_lead: bool = False


@dataclass(frozen=True)
class AccountUpdated:
    account_id: str
    changed_fields: list[str]
    master: MasterData
    referred_by: str | None
    priority_lead: bool
    at: datetime
    # The staff member who changed it; None when the ERP did.
    by: str | None = None


@dataclass(frozen=True)
class ReferralRecorded:
    """`account_id` referred `referred_account_id` (the referrer is the one to thank)."""

    account_id: str
    referred_account_id: str
    by: str
    at: datetime


@dataclass(frozen=True)
class TierChanged:
    """The evaluation moved the account's tier; `reason` names the rules that decided it."""

    evaluation: Evaluation
    previous: Tier | None
    reason: str
    policy: TierPolicy
    currency: str
    at: datetime


@dataclass(frozen=True)
class LifecycleStageChanged:
    account_id: str
    stage: str
    previous_stage: str
    reactivated: bool
    reason: str
    last_order_at: datetime | None
    usual_interval: timedelta | None
    at: datetime


@dataclass(frozen=True)
class CardFlaggedStale:
    account_id: str
    last_reviewed_at: datetime | None
    stale_after_days: int
    key_account: bool
    at: datetime


@dataclass(frozen=True)
class CardUpdated:
    account_id: str
    version: int
    changed_sections: list[str]
    contact_count: int
    by: str
    at: datetime


@dataclass(frozen=True)
class KeyDatesChanged:
    """The yearly dates a card holds changed; `key_dates` is the whole new set."""

    account_id: str
    version: int
    key_dates: tuple[KeyDate, ...]
    at: datetime


@dataclass(frozen=True)
class CardReviewed:
    account_id: str
    by: str
    at: datetime


@dataclass(frozen=True)
class VipNominated:
    account_id: str
    nomination_id: int
    by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class VipGranted:
    account_id: str
    nomination_id: int
    nominated_by: str
    by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class VipRejected:
    account_id: str
    nomination_id: int
    nominated_by: str
    by: str
    note: str
    at: datetime


@dataclass(frozen=True)
class VipRevoked:
    account_id: str
    by: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class ConsentChanged:
    """A contact's consent to marketing contact, as it now stands."""

    account_id: str
    contact_id: str
    state: ConsentState
    by: str
    at: datetime


@dataclass(frozen=True)
class ContactsErased:
    """Contacts' personal data is erased here; every other service is to erase its copies."""

    erasure: Erasure


DomainEvent = (
    AccountRegistered
    | AccountUpdated
    | ReferralRecorded
    | TierChanged
    | LifecycleStageChanged
    | CardFlaggedStale
    | CardUpdated
    | KeyDatesChanged
    | CardReviewed
    | VipNominated
    | VipGranted
    | VipRejected
    | VipRevoked
    | ConsentChanged
    | ContactsErased
)

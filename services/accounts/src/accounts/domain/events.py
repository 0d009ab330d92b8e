"""What happened to an account, in the domain's terms. `adapters/published.py` maps each to
the published accounts contract; the service layer never builds contract events itself."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.domain.evaluation import Evaluation, Tier
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
    account_id: str
    master: MasterData
    at: datetime


@dataclass(frozen=True)
class AccountUpdated:
    account_id: str
    changed_fields: list[str]
    master: MasterData
    referred_by: str | None
    priority_lead: bool
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


DomainEvent = (
    AccountRegistered | AccountUpdated | TierChanged | LifecycleStageChanged | CardFlaggedStale
)

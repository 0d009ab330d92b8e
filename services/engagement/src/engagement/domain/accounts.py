"""What engagement knows of an account, kept from the accounts service's events."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Tier = Literal["vip", "A", "B", "C", "D"]
# An account classified by value before it has a scorecard grade gets the grade its value
# class would give: the cadence never waits for a full scorecard.
GRADE_OF_VALUE_CLASS = {"high": "A", "medium": "B", "low": "C"}
# Key accounts get holiday greetings and the annual meeting's invitation.
KEY_TIERS: tuple[Tier, ...] = ("vip", "A")


KeyDateKind = Literal["birthday", "anniversary"]


@dataclass(frozen=True)
class KeyDate:
    """A yearly date from the account's card: a contact's birthday or a card anniversary."""

    reference: str
    kind: KeyDateKind
    month: int
    day: int


ConsentState = Literal["given", "withdrawn"]


@dataclass(frozen=True)
class ConsentChange:
    """A card contact gave or withdrew consent to marketing contact (care touches)."""

    account_id: str
    contact_reference: str
    state: ConsentState
    changed_at: datetime


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str = ""
    manager: str | None = None
    registered: bool = False
    grade: str | None = None
    value_class: str | None = None
    abc_class: str | None = None
    vip: bool = False
    lifecycle: str | None = None
    first_order_on: date | None = None
    last_done_on: date | None = None
    plan_policy_version: int | None = None
    reschedule_count: int = 0

    @property
    def tier(self) -> Tier | None:
        """VIP wins over the grade; no tier until the account is classified."""
        if self.vip:
            return "vip"
        grade = self.grade or GRADE_OF_VALUE_CLASS.get(self.value_class or "")
        if grade in ("A", "B", "C", "D"):
            return grade  # type: ignore[return-value]
        return None

    @property
    def is_key_account(self) -> bool:
        return self.tier in KEY_TIERS

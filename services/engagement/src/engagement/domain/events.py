"""Domain events: what happened to a plan item. `adapters/published.py` maps them to the
published contract."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Party = Literal["customer", "us"]


@dataclass(frozen=True)
class ItemPlanned:
    at: datetime


@dataclass(frozen=True)
class ItemConfirmed:
    at: datetime
    actor: str | None


@dataclass(frozen=True)
class ItemRescheduled:
    at: datetime
    actor: str | None
    previous_due_on: date
    requested_by: Party
    reason: str
    # The account's moved items so far, this one included.
    account_count: int


@dataclass(frozen=True)
class ItemDone:
    at: datetime
    on_time: bool


@dataclass(frozen=True)
class ItemMissed:
    at: datetime


@dataclass(frozen=True)
class ItemCancelled:
    at: datetime
    actor: str | None
    by: Party
    reason: str


ItemEvent = ItemPlanned | ItemConfirmed | ItemRescheduled | ItemDone | ItemMissed | ItemCancelled

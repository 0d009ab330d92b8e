"""Request and response models of the accounts JSON API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from contracts.types import DecimalString

Level = Literal["high", "medium", "low"]
SortField = Literal[
    "name",
    "account_id",
    "region",
    "segment",
    "net_revenue_12m",
    "order_count_12m",
    "value_class",
    "frequency_class",
]


class AccountSearch(BaseModel):
    """Filters, sort and page of the account list (API query string and page form alike)."""

    model_config = ConfigDict(extra="forbid")

    region: str | None = None
    country: str | None = None
    segment: str | None = None
    account_manager: str | None = None
    value_class: Level | None = None
    frequency_class: Level | None = None
    q: str | None = Field(default=None, max_length=100, description="name or id contains")
    sort: SortField = "name"
    order: Literal["asc", "desc"] = "asc"
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=500)

    def filters(self) -> dict[str, str | None]:
        return {
            "region": self.region,
            "country": self.country,
            "segment": self.segment,
            "account_manager": self.account_manager,
            "value_class": self.value_class,
            "frequency_class": self.frequency_class,
        }


class AccountOut(BaseModel):
    account_id: str
    name: str
    region: str
    country: str
    segment: str
    address: str
    account_manager: str | None
    registered_at: datetime
    order_count_12m: int
    net_revenue_12m: DecimalString
    currency: str
    value_class: Level
    frequency_class: Level
    classified_at: datetime | None


class AccountPage(BaseModel):
    items: list[AccountOut]
    total: int
    page: int
    page_size: int


class TierDecisionOut(BaseModel):
    decided_at: datetime
    value_class: Level
    frequency_class: Level
    reason: str
    inputs: dict[str, Any]

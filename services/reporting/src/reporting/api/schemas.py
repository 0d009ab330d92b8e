"""The reporting API's response bodies."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class FigureOut(BaseModel):
    name: str
    value: dict[str, Any] = Field(
        description="counts, and rates as decimal strings (null: no data)"
    )
    events: int = Field(description="how many events are behind the figure")
    events_url: str = Field(description="the drill-down: the events behind the figure")
    breakdown_urls: dict[str, str] = Field(
        default_factory=dict, description="each breakdown row's drill-down"
    )


class FiguresOut(BaseModel):
    period: str
    start: date
    end: date = Field(description="first day no longer counted (the period cut at as_of)")
    as_of: date
    known_before: datetime = Field(
        description="facts that arrived from this moment on are left out"
    )
    scope: str
    figures: list[FigureOut]


class EventOut(BaseModel):
    event_id: str
    type: str
    account_id: str
    occurred_at: datetime
    arrived_at: datetime
    account_url: str


class DrillDownOut(BaseModel):
    figure: str
    key: str | None
    period: str
    as_of: date
    scope: str
    events: list[EventOut]

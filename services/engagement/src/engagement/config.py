"""Engagement settings (env prefix `ENGAGEMENT_`). Every business number is configuration."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENGAGEMENT_", extra="ignore")

    service_name: str = "engagement"
    consumer_group_prefix: str = "engagement"
    api_port: int = 8102
    worker_port: int = 8112
    # The company's calendar: what "today" and a due day mean.
    time_zone: str = "Asia/Shanghai"
    # The 3+3+3 calls after an account's first order: each one's delay and its on-time window.
    first_order_3d_days: int = Field(default=3, ge=1, le=60)
    first_order_3d_window_days: int = Field(default=2, ge=0, le=60)
    first_order_3w_weeks: int = Field(default=3, ge=1, le=26)
    first_order_3w_window_days: int = Field(default=4, ge=0, le=60)
    first_order_3m_months: int = Field(default=3, ge=1, le=24)
    first_order_3m_window_days: int = Field(default=7, ge=0, le=60)
    complaint_follow_up_working_days: int = Field(default=2, ge=1, le=30)
    retention_within_days: int = Field(default=7, ge=1, le=90)
    win_back_within_days: int = Field(default=14, ge=1, le=90)
    # Care touches (birthdays, anniversaries, holidays) are due this many days before the date.
    care_lead_days: int = Field(default=3, ge=0, le=30)
    # The annual customer meeting as MM-DD ("" for none); invitations go out weeks ahead.
    annual_meeting: str = Field(
        default="01-15", pattern=r"^$|^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
    )
    annual_meeting_invite_weeks: int = Field(default=4, ge=1, le=26)
    next_step_window_days: int = Field(default=2, ge=0, le=60)
    manual_window_days: int = Field(default=2, ge=0, le=60)
    # How a month's sales target is spread over its days (working weekend days weigh as weekdays).
    target_weekday_weight: Decimal = Decimal(1)
    target_saturday_weight: Decimal = Decimal(0)
    target_sunday_weight: Decimal = Decimal(0)
    timer_batch_size: int = 200
    timer_max_sleep_seconds: float = 60.0
    # Accounts re-planned per transaction after a new cadence policy is activated.
    policy_batch_size: int = 500
    policy_poll_seconds: float = 5.0
    # How often the worker refreshes the plan gauges on /metrics.
    gauge_refresh_seconds: float = 15.0
    # How often the boards ask the server for news.
    board_refresh_seconds: float = 10.0
    # Accounts' API, asked by the pages for the contact names of care touches (events carry
    # references only); a page waits this long for it, then shows the references.
    accounts_api_url: str = "http://127.0.0.1:8101"
    accounts_api_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Engagement's machine client of the realm (client credentials) for those reads; accounts
    # lets its principal read card names and nothing else (ACCOUNTS_NAME_READER_CLIENTS).
    accounts_client_id: str = "rapport-feeder"
    accounts_client_secret: str = "rapport-feeder-secret"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

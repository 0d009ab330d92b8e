"""Reporting settings (env prefix `REPORTING_`). Every business number is configuration."""

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    consumer_group_prefix: str = "reporting"
    api_port: int = 8104
    worker_port: int = 8114
    visit_norm_per_month: int = Field(
        default=20,
        ge=1,
        description="Visits a month a manager should make (default; the handbook calls 9 far too few).",
    )
    clv_lifespan_years: Decimal = Field(
        default=Decimal(3),
        gt=0,
        description="Expected customer lifespan in the CLV formula (default).",
    )
    rebuild_batch_size: int = Field(
        default=20_000,
        ge=1,
        description="Records a rebuild reads and writes in one transaction.",
    )
    topic_prefix: str = Field(
        default="",
        description="Put before every source topic's name: topics of their own for tests.",
    )

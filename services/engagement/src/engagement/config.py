"""Engagement settings (env prefix `ENGAGEMENT_`). Every business number is configuration."""

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class EngagementSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ENGAGEMENT_", extra="ignore")

    service_name: str = "engagement"
    consumer_group_prefix: str = "engagement"
    api_port: int = 8102
    worker_port: int = 8112

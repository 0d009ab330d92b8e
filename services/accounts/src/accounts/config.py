"""Accounts settings (env prefix `ACCOUNTS_`). Every business number is configuration."""

from decimal import Decimal

from chassis.settings import ServiceSettings
from pydantic_settings import SettingsConfigDict


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCOUNTS_", extra="ignore")

    service_name: str = "accounts"
    consumer_group_prefix: str = "accounts"
    currency: str = "CNY"
    value_high_threshold: Decimal = Decimal("500000")
    value_medium_threshold: Decimal = Decimal("300000")
    frequency_high_threshold: int = 5
    frequency_medium_threshold: int = 3
    api_port: int = 8101
    worker_port: int = 8111

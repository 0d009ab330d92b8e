"""Accounts settings (env prefix `ACCOUNTS_`). Every business number is configuration.

Tiering numbers (thresholds, ABC split, scorecard weights, grade boundaries, hysteresis) live in
the versioned tier policy; the settings below seed its first version. Lifecycle and card rules
are settings.
"""

from decimal import Decimal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class AccountsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ACCOUNTS_", extra="ignore")

    service_name: str = "accounts"
    consumer_group_prefix: str = "accounts"
    currency: str = "CNY"
    # ERP records per batch: every account a batch touches is evaluated once, so a backlog is
    # worked in few large batches (decision 0014); a fetch brings this much of a partition.
    erp_batch_size: int = 10_000
    erp_fetch_bytes_per_partition: int = 16 * 1024 * 1024
    # Seed of tier policy version 1 (later versions are data, edited through the policy API).
    value_high_threshold: Decimal = Decimal("500000")
    value_medium_threshold: Decimal = Decimal("300000")
    frequency_high_threshold: int = 5
    frequency_medium_threshold: int = 3
    # Lifecycle (DOMAIN.md §1): new for 90 days after the first order; at risk after twice the
    # usual interval between orders (or 90 days with too little history); dormant after 12 months.
    lifecycle_new_days: int = 90
    lifecycle_at_risk_interval_multiplier: Decimal = Decimal("2")
    lifecycle_at_risk_default_days: int = 90
    lifecycle_min_orders_for_interval: int = 3
    lifecycle_interval_orders: int = 12
    lifecycle_dormant_months: int = 12
    # Relationship cards: flagged stale when not reviewed for this long (key accounts: A or VIP).
    card_stale_days: int = 180
    card_stale_key_account_days: int = 90
    # VIP: how many top accounts by 12-month sales are suggested as candidates.
    vip_candidate_count: int = 10
    # ABC is recomputed over all accounts this long after revenue moved (coalesces bursts).
    abc_refresh_delay_seconds: float = 5.0
    # The timer scheduler wakes at least this often even without a nearer timer.
    timer_max_sleep_seconds: float = 30.0
    # Evaluations per transaction when every account is re-evaluated (policy activation).
    evaluation_chunk_size: int = 1000
    timeline_limit: int = 200
    # Machine clients (their service account's username) that may read every card's names by
    # reference (`GET /{id}/card/names`), and nothing else: engagement's, by client credentials.
    name_reader_clients: frozenset[str] = frozenset({"service-account-rapport-feeder"})
    # Privacy (decision 0020): the services that keep personal data and report each erasure
    # done (accounts itself is done at once); dormant accounts' contacts are erased this long
    # after their last order (or registration), swept by the scheduler this often.
    erasure_services: tuple[str, ...] = ("engagement", "complaints", "reporting")
    anonymise_dormant_after_days: int = Field(default=730, ge=1)
    dormant_sweep_hours: float = Field(default=24.0, gt=0)
    dormant_sweep_batch: int = Field(default=200, ge=1)
    api_port: int = 8101
    worker_port: int = 8111

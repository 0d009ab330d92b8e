"""Settings every service has; each service's config.py subclasses with its own env prefix."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """Connection and process settings. Env prefix `<SERVICE>_`, e.g. `ACCOUNTS_DATABASE_URL`."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    database_url: str = Field(
        default="postgresql+asyncpg://postgres:postgres@127.0.0.1:15432/rapport",
        description="SQLAlchemy URL of the service's own database role.",
    )
    db_pool_size: int = 10
    kafka_bootstrap_servers: str = "127.0.0.1:19092"
    kafka_username: str | None = Field(
        default=None, description="The service's Kafka principal (SCRAM); default its name."
    )
    kafka_password: str | None = Field(
        default=None,
        description="The principal's SCRAM password; default the local stack's `<name>-secret`.",
    )
    consumer_batch_size: int = 2000
    outbox_batch_size: int = 500
    outbox_poll_seconds: float = 1.0
    outbox_send_timeout_seconds: float = Field(
        default=5.0,
        description="Longest a relay pass holds its rows while Kafka takes them (decision 0009).",
    )
    outbox_max_backoff_seconds: float = 10.0
    # A worker task that fails or stops starts again after this backoff, doubling to the cap.
    restart_initial_backoff_seconds: float = 0.5
    restart_max_backoff_seconds: float = 30.0
    # Retention (docs/decisions/0010): sent outbox rows, seen inbox ids and fired timers older
    # than this many days are deleted by the worker every `retention_interval_seconds`.
    retention_outbox_days: float = 7
    retention_inbox_days: float = 14
    retention_timers_days: float = 30
    retention_interval_seconds: float = 3600
    bind_host: str = Field(
        default="127.0.0.1",
        description="Address the HTTP servers listen on (0.0.0.0 in a container).",
    )
    log_level: str = "INFO"

    @property
    def db_schema(self) -> str:
        """Each service owns exactly one PostgreSQL schema, named after it."""
        return self.service_name

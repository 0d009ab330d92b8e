"""Complaints settings (env prefix `COMPLAINTS_`). Every business number is configuration."""

from datetime import timedelta

from pydantic_settings import SettingsConfigDict

from chassis.settings import ServiceSettings


class ComplaintsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_", extra="ignore")

    service_name: str = "complaints"
    consumer_group_prefix: str = "complaints"
    api_port: int = 8103
    worker_port: int = 8113
    # A breached ticket still open this long after the breach goes from the supervisor to ops.
    ops_escalation_after: timedelta = timedelta(hours=2)
    # Complaints of the same account, or with the same root cause, within this window repeat.
    repeat_window: timedelta = timedelta(days=90)
    # Big enough for staging to keep up with thousands of deadlines in a second (batches of 100
    # staged a third as fast); the handlers give the loop a turn every 50 tickets (0015).
    timer_batch_size: int = 500
    timer_max_sleep_seconds: float = 30.0
    # Warnings, breaches and escalations due within this reach are staged in the outbox and
    # published at their moment; the scheduler records them in the tickets this long after.
    stage_ahead: timedelta = timedelta(seconds=30)
    staged_grace: timedelta = timedelta(seconds=1)
    gauge_refresh_seconds: float = 5.0
    # How often the ops board asks the server for news.
    board_refresh_seconds: float = 2.0

"""Prometheus metrics of the complaints service (the timer lateness histogram is the chassis')."""

from prometheus_client import Counter, Gauge

SLA_WARNINGS = Counter(
    "rapport_complaints_sla_warnings_total", "SLA warnings raised", ["clock", "threshold"]
)
SLA_BREACHES = Counter(
    "rapport_complaints_sla_breaches_total", "SLA breaches", ["clock", "severity"]
)
ESCALATIONS = Counter(
    "rapport_complaints_escalations_total", "Tickets escalated, by level", ["level"]
)
OPEN_TICKETS = Gauge(
    "rapport_complaints_open_tickets", "Tickets not closed, by severity", ["severity"]
)
BREACHED_OPEN = Gauge(
    "rapport_complaints_breached_clocks_open",
    "Clocks past their deadline and not stopped yet (the breaches ops must chase)",
)
SECONDS_TO_NEXT_BREACH = Gauge(
    "rapport_complaints_seconds_to_next_breach",
    "Time until the nearest deadline of a running clock (+Inf when none runs)",
)
CLOCKS_BY_TIME_TO_BREACH = Gauge(
    "rapport_complaints_running_clocks_by_time_to_breach",
    "Running, unbreached clocks whose deadline is at most `within` away (any: all of them)",
    ["within"],
)
TIME_TO_BREACH_BUCKETS: tuple[tuple[str, float], ...] = (
    ("15m", 15 * 60),
    ("1h", 3600),
    ("4h", 4 * 3600),
    ("24h", 24 * 3600),
    ("any", float("inf")),
)

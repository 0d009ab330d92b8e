"""Prometheus metrics of the engagement service (timer lateness and consumer figures are the
chassis')."""

from prometheus_client import Counter, Gauge

PLAN_ITEMS = Gauge("rapport_engagement_plan_items", "Plan items, by state", ["state"])
ACCOUNTS_BEHIND_POLICY = Gauge(
    "rapport_engagement_accounts_behind_policy",
    "Accounts whose plan is not yet re-planned to the active cadence policy",
)
VISITS_LOGGED = Counter(
    "rapport_engagement_visits_logged_total", "Visits and contacts logged, by channel", ["channel"]
)

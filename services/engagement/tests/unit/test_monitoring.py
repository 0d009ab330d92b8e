"""The engagement alert rules ask only for metrics the engagement worker exports."""

import engagement.entrypoints.worker  # noqa: F401  (registers every metric the worker exports)
from chassis.testing.monitoring import alert_expressions, queried, unknown


def test_every_alert_rule_asks_for_an_exported_metric() -> None:
    names = queried(alert_expressions("engagement-alert-rules.yml"))
    assert names == {
        "rapport_engagement_accounts_behind_policy",
        "rapport_engagement_plan_items",
    }
    assert unknown(names) == set()

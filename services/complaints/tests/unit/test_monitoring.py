"""The alert rules and the Grafana dashboard under deploy/monitoring ask only for metrics the
complaints worker exports (a renamed metric must not silently blank a panel or an alert)."""

import json

import complaints.entrypoints.worker  # noqa: F401  (registers every metric the worker exports)
from chassis.testing.monitoring import MONITORING, alert_expressions, queried, unknown


def test_every_alert_rule_asks_for_an_exported_metric() -> None:
    names = queried(alert_expressions("alert-rules.yml"))
    assert "rapport_outbox_staged_lateness_seconds_bucket" in names
    assert unknown(names) == set()


def test_every_dashboard_panel_asks_for_an_exported_metric() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    names = queried(expressions)
    assert "rapport_timer_lateness_seconds_bucket" in names
    assert unknown(names) == set()

"""The alert rules and the Grafana dashboard under deploy/monitoring ask only for metrics the
complaints worker exports (a renamed metric must not silently blank a panel or an alert)."""

import json
import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

import complaints.entrypoints.worker  # noqa: F401  (registers every metric the worker exports)

MONITORING = Path(__file__).resolve().parents[4] / "deploy" / "monitoring"
METRIC = re.compile(r"\b(rapport_[a-z_]+)")
SAMPLE_SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def exported() -> set[str]:
    names = set()
    for metric in REGISTRY.collect():
        names.add(metric.name)
        names.update(sample.name for sample in metric.samples)
    return names


def queried(expressions: list[str]) -> set[str]:
    return {name for expression in expressions for name in METRIC.findall(expression)}


def known(name: str, names: set[str]) -> bool:
    return name in names or any(
        name.endswith(suffix) and name.removesuffix(suffix) in names for suffix in SAMPLE_SUFFIXES
    )


def test_every_alert_rule_asks_for_an_exported_metric() -> None:
    rules = yaml.safe_load((MONITORING / "alert-rules.yml").read_text())
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    names = queried(expressions)
    assert "rapport_outbox_staged_lateness_seconds_bucket" in names
    assert {name for name in names if not known(name, exported())} == set()


def test_every_dashboard_panel_asks_for_an_exported_metric() -> None:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    names = queried(expressions)
    assert "rapport_timer_lateness_seconds_bucket" in names
    assert {name for name in names if not known(name, exported())} == set()

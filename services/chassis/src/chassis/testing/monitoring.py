"""Alert rules and dashboards ask only for metrics a process exports: a renamed metric must not
silently blank a panel or an alert. Import the process's entrypoint first (it registers them)."""

import re
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import REGISTRY

MONITORING = Path(__file__).resolve().parents[5] / "deploy" / "monitoring"
METRIC = re.compile(r"\b(rapport_[a-z_]+)")
SAMPLE_SUFFIXES = ("_bucket", "_count", "_sum", "_total", "_created")


def exported() -> set[str]:
    """Every metric and sample name registered in this process."""
    names = set()
    for metric in REGISTRY.collect():
        names.add(metric.name)
        names.update(sample.name for sample in metric.samples)
    return names


def queried(expressions: list[str]) -> set[str]:
    """The Rapport metric names the PromQL expressions ask for."""
    return {name for expression in expressions for name in METRIC.findall(expression)}


def unknown(names: set[str]) -> set[str]:
    """The names no registered metric answers (a sample suffix of a known metric is known)."""
    known = exported()
    return {
        name
        for name in names
        if name not in known
        and not any(
            name.endswith(suffix) and name.removesuffix(suffix) in known
            for suffix in SAMPLE_SUFFIXES
        )
    }


def alert_expressions(rules_file: str) -> list[str]:
    rules: dict[str, Any] = yaml.safe_load((MONITORING / rules_file).read_text())
    return [rule["expr"] for group in rules["groups"] for rule in group["rules"]]

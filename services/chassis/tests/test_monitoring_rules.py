"""The alert on records set aside by handlers asks for the reason the consumer really uses."""

from pathlib import Path

import yaml
from prometheus_client import REGISTRY

from chassis.kafka import HANDLER_FAILED

RULES = Path(__file__).resolve().parents[3] / "deploy" / "monitoring" / "alert-rules.yml"


def test_an_alert_fires_on_records_set_aside_by_a_handler() -> None:
    rules = yaml.safe_load(RULES.read_text())
    (rule,) = [
        rule
        for group in rules["groups"]
        for rule in group["rules"]
        if rule["alert"] == "ConsumerRecordSetAside"
    ]
    assert f'rapport_dead_letters_total{{reason="{HANDLER_FAILED}"}}' in rule["expr"]
    assert "rapport_dead_letters" in {metric.name for metric in REGISTRY.collect()}

"""Value and frequency classes at and around every boundary (DOMAIN.md §1)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.domain.classification import (
    Classification,
    ClassificationPolicy,
    TrailingFigures,
    classify,
    counts_in_window,
    explain,
    frequency_class,
    twelve_months_before,
    value_class,
    window_start,
)

POLICY = ClassificationPolicy()
AS_OF = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def figures(count: int, revenue: str) -> TrailingFigures:
    return TrailingFigures(count, Decimal(revenue), window_start(AS_OF), AS_OF)


def test_five_orders_and_500k_is_high_high() -> None:
    assert classify(figures(5, "500000"), POLICY) == Classification("high", "high")


def test_one_order_less_is_medium_frequency() -> None:
    assert classify(figures(4, "500000"), POLICY) == Classification("high", "medium")


@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ("500000.00", "high"),
        ("499999.99", "medium"),
        ("300000.00", "medium"),
        ("299999.99", "low"),
        ("0", "low"),
    ],
)
def test_value_class_boundaries(revenue: str, expected: str) -> None:
    assert value_class(Decimal(revenue), POLICY) == expected


@pytest.mark.parametrize(
    ("count", "expected"),
    [(6, "high"), (5, "high"), (4, "medium"), (3, "medium"), (2, "low"), (0, "low")],
)
def test_frequency_class_boundaries(count: int, expected: str) -> None:
    assert frequency_class(count, POLICY) == expected


def test_thresholds_are_configuration() -> None:
    small_distributor = ClassificationPolicy(
        value_high=Decimal("5000"),
        value_medium=Decimal("3000"),
        frequency_high=8,
        frequency_medium=4,
    )
    assert classify(figures(7, "5000"), small_distributor) == Classification("high", "medium")


def test_inconsistent_thresholds_are_rejected() -> None:
    with pytest.raises(ValueError, match="value thresholds"):
        ClassificationPolicy(value_high=Decimal("1"), value_medium=Decimal("2"))
    with pytest.raises(ValueError, match="frequency thresholds"):
        ClassificationPolicy(frequency_high=3, frequency_medium=3)


def test_an_order_exactly_twelve_months_old_still_counts() -> None:
    assert counts_in_window(twelve_months_before(AS_OF), AS_OF)


def test_an_order_twelve_months_and_one_day_old_no_longer_counts() -> None:
    assert not counts_in_window(twelve_months_before(AS_OF) - timedelta(days=1), AS_OF)
    assert not counts_in_window(twelve_months_before(AS_OF) - timedelta(seconds=1), AS_OF)


def test_leap_day_window() -> None:
    leap_day = datetime(2028, 2, 29, 9, 0, tzinfo=UTC)
    assert twelve_months_before(leap_day) == datetime(2027, 2, 28, 9, 0, tzinfo=UTC)


def test_explanation_names_the_change_and_the_rule() -> None:
    reason = explain(
        Classification("medium", "medium"),
        Classification("high", "medium"),
        figures(4, "512000"),
        POLICY,
        "CNY",
    )
    assert (
        reason == "value medium -> high: 12-month net revenue 512,000.00 CNY is >= 500,000 (high)"
    )


def test_first_explanation_covers_both_classes() -> None:
    reason = explain(None, Classification("low", "low"), figures(1, "100"), POLICY, "CNY")
    assert "value low" in reason
    assert "frequency low: 1 orders in 12 months is <= 2 (low)" in reason

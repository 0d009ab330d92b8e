"""Lifecycle stages and their time-driven transitions (DOMAIN.md §1, Lifecycle)."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain.lifecycle import (
    LifecyclePolicy,
    OrderHistory,
    assess_lifecycle,
    is_reactivation,
    usual_interval,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
POLICY = LifecyclePolicy()
DAY = timedelta(days=1)


def history(*days_ago: float) -> OrderHistory:
    times = sorted(NOW - d * DAY for d in days_ago)
    return OrderHistory(times[0] if times else None, times[-1] if times else None, times)


def stage(h: OrderHistory, at: datetime = NOW) -> str:
    return assess_lifecycle(h, at, POLICY).stage


def test_no_order_is_a_prospect() -> None:
    assert stage(history()) == "prospect"


@pytest.mark.parametrize(("days", "expected"), [(0, "new"), (89.99, "new"), (90, "active")])
def test_new_for_90_days_after_the_first_order(days: float, expected: str) -> None:
    # A steady buyer every 10 days, so the at-risk rule is far away.
    orders = [days - 10 * i for i in range(int(days // 10) + 1)]
    assert stage(history(*orders)) == expected


def test_usual_interval_is_the_median_gap_and_needs_three_orders() -> None:
    assert usual_interval(history(40, 10), POLICY) is None
    assert usual_interval(history(100, 70, 40, 10), POLICY) == 30 * DAY
    assert usual_interval(history(100, 90, 40, 10), POLICY) == 30 * DAY  # gaps 10, 50, 30
    assert usual_interval(history(100, 90, 40, 30), POLICY) == 10 * DAY  # gaps 10, 50, 10


@pytest.mark.parametrize(
    ("last_order_days_ago", "expected"),
    [(59, "active"), (60, "at_risk"), (61, "at_risk")],
)
def test_at_risk_after_twice_the_usual_interval(last_order_days_ago: int, expected: str) -> None:
    gaps_of_30 = [last_order_days_ago + 30 * i for i in range(5)]
    assert stage(history(*gaps_of_30)) == expected


@pytest.mark.parametrize(("days", "expected"), [(89, "active"), (90, "at_risk")])
def test_at_risk_after_90_days_with_too_little_history(days: int, expected: str) -> None:
    assert stage(history(days + 200, days)) == expected


def test_dormant_after_12_months_without_an_order() -> None:
    last = NOW - 300 * DAY
    h = history(400, 300)
    assert stage(h, last.replace(year=last.year + 1) - timedelta(seconds=1)) == "at_risk"
    assert stage(h, last.replace(year=last.year + 1)) == "dormant"


def test_each_assessment_says_when_the_stage_changes_without_an_order() -> None:
    steady = history(100, 70, 40, 10)
    assessment = assess_lifecycle(steady, NOW, POLICY)
    assert assessment.stage == "active"
    assert assessment.next_change_at == NOW + 50 * DAY  # 60 days after the last order
    assert "2 x the usual interval of 30 days = 60 days" in assessment.reason
    at_risk = assess_lifecycle(steady, NOW + 50 * DAY, POLICY)
    assert at_risk.stage == "at_risk"
    assert at_risk.next_change_at == datetime(2027, 11, 14, 12, 0, tzinfo=UTC)  # 12 months
    first = assess_lifecycle(history(5), NOW, POLICY)
    assert (first.stage, first.next_change_at) == ("new", NOW + 85 * DAY)


def test_only_an_order_from_at_risk_or_dormant_is_a_reactivation() -> None:
    assert is_reactivation("at_risk", "active")
    assert is_reactivation("dormant", "new")
    assert not is_reactivation("active", "active")
    assert not is_reactivation("at_risk", "dormant")
    assert not is_reactivation(None, "active")

"""One account's whole evaluation: classes, grade, lifecycle, card freshness, next due time."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from accounts.domain.cards import CardPolicy
from accounts.domain.classification import TrailingFigures, ages_out_at, window_start
from accounts.domain.evaluation import (
    AccountFacts,
    CurrentState,
    Evaluation,
    Tier,
    evaluate_account,
    tier_reason,
)
from accounts.domain.lifecycle import LifecyclePolicy, OrderHistory
from accounts.domain.scorecard import ScorecardFacts
from accounts.domain.tier_policy import TierPolicy

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = TierPolicy(version=1)


def facts(
    order_days_ago: list[int], revenue_each: str, *, now: datetime = NOW, **extra: object
) -> AccountFacts:
    """Orders of equal value; those older than 12 months are history but not figures."""
    times = sorted(NOW - d * DAY for d in order_days_ago)
    start = window_start(now)
    in_window = [t for t in times if t >= start]
    revenue = Decimal(revenue_each) * len(in_window)
    signals = ScorecardFacts(
        net_revenue_12m=revenue,
        order_count_12m=len(in_window),
        first_order_at=times[0] if times else None,
        last_order_at=times[-1] if times else None,
        csat_average=None,
        nps_average=None,
        feedback_count_12m=0,
        complaints_12m=0,
        complaints_known=False,
        referrals=0,
    )
    base = AccountFacts(
        account_id="C-1",
        registered_at=NOW - 1000 * DAY,
        figures=TrailingFigures(len(in_window), revenue, start, now),
        history=OrderHistory(times[0] if times else None, times[-1] if times else None, times),
        signals=signals,
        vip=False,
        card_reviewed_at=NOW - 10 * DAY,
        oldest_in_window=(in_window[0] if in_window else None,),
    )
    return replace(base, **extra)  # type: ignore[arg-type]


def evaluate(
    f: AccountFacts, current: CurrentState | None = None, at: datetime = NOW
) -> Evaluation:
    return evaluate_account(
        f,
        current or CurrentState(None, "prospect", False),
        as_of=at,
        policy=POLICY,
        lifecycle_policy=LifecyclePolicy(),
        card_policy=CardPolicy(),
        currency="CNY",
    )


def test_five_orders_and_500k_in_12_months_is_high_high_and_one_less_is_not() -> None:
    five = evaluate(facts([10, 70, 130, 190, 250], "100000"))
    assert (five.tier.value_class, five.tier.frequency_class) == ("high", "high")
    four = evaluate(facts([10, 70, 130, 190], "125000"))
    assert (four.tier.value_class, four.tier.frequency_class) == ("high", "medium")


def test_an_order_ages_out_on_its_day_and_that_is_the_next_due_time() -> None:
    oldest = 360
    # The first order, 800 days ago, keeps the tenure anniversary out of the way.
    f = facts([10, 70, 130, 190, oldest, 800], "100000")
    first = evaluate(f)
    assert first.next_due == ages_out_at(NOW - oldest * DAY)
    later = first.next_due
    assert later is not None
    aged = evaluate(facts([10, 70, 130, 190, oldest, 800], "100000", now=later), at=later)
    assert (aged.tier.value_class, aged.tier.frequency_class) == ("medium", "medium")


def test_the_first_evaluation_is_a_tier_change_with_a_reason_naming_each_rule() -> None:
    evaluation = evaluate(facts([10, 70, 130, 190, 250], "100000"))
    assert evaluation.tier_changed
    assert evaluation.tier.grade is not None
    reason = tier_reason(None, evaluation, POLICY, "CNY", None)
    assert "500,000.00 CNY is >= 500,000 (high)" in reason
    assert f"grade {evaluation.tier.grade}: scorecard {evaluation.scorecard.score}" in reason


def test_nothing_changes_when_the_stored_tier_is_the_evaluated_one() -> None:
    first = evaluate(facts([10, 70, 130, 190, 250], "100000"))
    again = evaluate(
        facts([10, 70, 130, 190, 250], "100000"), CurrentState(first.tier, "active", False)
    )
    assert not again.tier_changed


def test_abc_is_kept_unless_recomputed() -> None:
    stored = Tier("high", "high", "B", "A")
    f = facts([10, 70, 130, 190, 250], "100000")
    kept = evaluate(f, CurrentState(stored, "active", False))
    assert kept.tier.abc_class == "B"
    moved = evaluate_account(
        f,
        CurrentState(stored, "active", False),
        as_of=NOW,
        policy=POLICY,
        lifecycle_policy=LifecyclePolicy(),
        card_policy=CardPolicy(),
        currency="CNY",
        abc_share=Decimal("0.1"),
        recompute_abc=True,
    )
    assert moved.tier.abc_class == "A"
    assert "ABC B -> A: accounts ranked above it earn 10.0% of all revenue" in tier_reason(
        stored, moved, POLICY, "CNY", Decimal("0.1")
    )


def test_a_card_goes_stale_after_180_days_or_90_for_a_key_account() -> None:
    reviewed = NOW - 100 * DAY
    plain = evaluate(facts([10], "1000", card_reviewed_at=reviewed))
    assert (plain.card_stale, plain.card_stale_after_days) == (False, 180)
    vip = evaluate(facts([10], "1000", card_reviewed_at=reviewed, vip=True))
    assert (vip.key_account, vip.card_stale, vip.card_stale_after_days) == (True, True, 90)


def test_a_card_never_reviewed_counts_from_registration() -> None:
    f = facts([10], "1000", card_reviewed_at=None, registered_at=NOW - 179 * DAY)
    evaluation = evaluate(f)
    assert not evaluation.card_stale
    assert evaluation.next_due == NOW + DAY


def test_a_prospect_is_not_graded_until_its_first_order() -> None:
    prospect = evaluate(facts([], "0"))
    assert prospect.lifecycle.stage == "prospect"
    assert (prospect.tier.grade, prospect.recommendation) == (None, None)
    first = evaluate(facts([1], "1000"))
    assert first.tier.grade is not None and first.recommendation is not None

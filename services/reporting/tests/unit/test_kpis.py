"""Each KPI on small hand-computed data."""

from decimal import Decimal

from reporting.domain import kpis


def test_nps_of_three_promoters_one_passive_and_one_detractor_is_40() -> None:
    result = kpis.nps([10, 9, 9, 8, 3])
    assert (result.promoters, result.passives, result.detractors) == (3, 1, 1)
    assert result.score == Decimal("40.00")


def test_nps_bounds_and_no_answers() -> None:
    assert kpis.nps([0, 6]).score == Decimal("-100.00")
    assert kpis.nps([7, 8]).score == Decimal("0.00")
    assert kpis.nps([]).score is None


def test_csat_is_the_share_of_4_and_5_and_the_mean() -> None:
    result = kpis.csat([5, 4, 3, 2])
    assert result.satisfied_share == Decimal("50.00")
    assert result.mean == Decimal("3.50")
    assert kpis.csat([]).mean is None


def test_retention_takes_the_new_accounts_off_the_end_count() -> None:
    # 10 at the start, 2 lost, 3 new: 11 at the end; (11 - 3) / 10 = 80 %.
    assert kpis.retention_rate(at_start=10, at_end=11, new=3) == Decimal("80.00")
    assert kpis.retention_rate(at_start=0, at_end=3, new=3) is None


def test_churn_and_growth_are_shares_of_the_start() -> None:
    assert kpis.churn_rate(at_start=10, lost=2) == Decimal("20.00")
    assert kpis.growth_rate(at_start=10, new=3) == Decimal("30.00")


def test_repeat_purchase_counts_accounts_with_two_orders_or_more() -> None:
    assert kpis.repeat_purchase_rate({"a": 1, "b": 2, "c": 5, "d": 0}) == Decimal("66.67")
    assert kpis.repeat_purchase_rate({}) is None


def test_lifetime_value_from_order_value_frequency_and_lifespan() -> None:
    # 4 orders worth 4,000 by 2 accounts in 73 days: AOV 1,000, 2 orders each per 73 days
    # = 10 a year; over 3 years: 1,000 x 10 x 3 = 30,000.
    result = kpis.lifetime_value(
        revenue=Decimal(4000), orders=4, buyers=2, period_days=73, lifespan_years=Decimal(3)
    )
    assert result.average_order_value == Decimal("1000.00")
    assert result.orders_per_account_year == Decimal("10.00")
    assert result.value == Decimal("30000.00")
    assert (
        kpis.lifetime_value(
            revenue=Decimal(0), orders=0, buyers=0, period_days=30, lifespan_years=Decimal(3)
        ).value
        is None
    )


def test_referral_complaint_and_sla_rates() -> None:
    assert kpis.referral_rate(new=4, referred=1) == Decimal("25.00")
    assert kpis.complaint_rate(tickets=3, active_accounts=200) == Decimal("1.50")
    assert kpis.complaint_rate(tickets=3, active_accounts=0) is None
    assert kpis.sla_compliance(met=9, breached=1) == Decimal("90.00")
    assert kpis.sla_compliance(met=0, breached=0) is None


def test_visits_per_month_per_manager_against_the_norm() -> None:
    # 54 visits by 2 managers over a quarter: 9 a month each, 45 % of a norm of 20.
    result = kpis.visits_per_month(visits=54, managers=2, months=3, norm=20)
    assert result.per_manager_month == Decimal("9.00")
    assert result.of_norm == Decimal("45.00")
    assert kpis.visits_per_month(visits=0, managers=0, months=1, norm=20).of_norm is None


def test_plan_completion_and_follow_ups_on_time() -> None:
    assert kpis.plan_completion(done=7, due=8) == Decimal("87.50")
    assert kpis.follow_ups_on_time(on_time=2, ended=3) == Decimal("66.67")


def test_sales_against_a_prorated_target() -> None:
    # A 31,000 target for a 31-day month is 7,000 for one week.
    week = kpis.prorated_target(monthly=Decimal(31000), days=7, days_in_month=31)
    assert week == Decimal("7000.00")
    assert kpis.target_share(actual=Decimal(3500), target=week) == Decimal("50.00")
    assert kpis.target_share(actual=Decimal(3500), target=None) is None


def test_shares_of_a_total() -> None:
    assert kpis.shares({"A": Decimal(75), "B": Decimal(20), "C": Decimal(5)}) == {
        "A": Decimal("75.00"),
        "B": Decimal("20.00"),
        "C": Decimal("5.00"),
    }

"""Cadence by tier: the days each tier is visited, and what a re-plan cancels, keeps and adds
(decision 0013)."""

from datetime import date

import pytest

from engagement.domain.accounts import Account
from engagement.domain.cadence import (
    DEFAULT_POLICY,
    OpenCadenceItem,
    cadence_dates,
    merge_into_visit,
    replan,
    tier_of,
)

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("vip", [date(2026, 12, 8), date(2026, 12, 15), date(2026, 12, 22)]),
        ("A", [date(2026, 12, 15), date(2026, 12, 29), date(2027, 1, 12)]),
        ("B", [date(2027, 1, 1)]),
        # Their next visit (1 March, 1 June) is beyond the 8-week horizon: not planned yet.
        ("C", []),
        ("D", []),
    ],
)
def test_each_tier_is_visited_at_its_interval_after_the_last_done_visit(
    tier: str, expected: list[date]
) -> None:
    days = cadence_dates(
        policy=DEFAULT_POLICY,
        tier=tier,
        account_id="C-1",
        last_done=date(2026, 12, 1),
        today=TODAY,  # type: ignore[arg-type]
    )
    assert days[: len(expected) or None] == expected
    # The plan reaches exactly the horizon (8 weeks), never beyond.
    assert all(day <= date(2027, 1, 27) for day in days)


def test_a_monthly_visit_after_the_31st_falls_on_the_months_last_day() -> None:
    days = cadence_dates(
        policy=DEFAULT_POLICY,
        tier="B",
        account_id="C-1",
        last_done=date(2026, 12, 31),
        today=date(2027, 1, 10),
    )
    assert days[0] == date(2027, 1, 31)
    assert cadence_dates(
        policy=DEFAULT_POLICY,
        tier="B",
        account_id="C-1",
        last_done=date(2027, 1, 31),
        today=date(2027, 2, 1),
    )[0] == date(2027, 2, 28)


def test_an_overdue_cadence_is_planned_from_today_not_in_the_past() -> None:
    days = cadence_dates(
        policy=DEFAULT_POLICY, tier="A", account_id="C-1", last_done=date(2026, 10, 1), today=TODAY
    )
    assert days[0] == TODAY


def test_a_never_visited_account_starts_inside_its_first_interval() -> None:
    first = {
        cadence_dates(
            policy=DEFAULT_POLICY, tier="A", account_id=f"C-{n}", last_done=None, today=TODAY
        )[0]
        for n in range(50)
    }
    assert min(first) >= TODAY and max(first) < date(2026, 12, 16)
    assert len(first) > 5  # spread over the interval, not all on one day


def test_vip_wins_over_the_grade() -> None:
    assert tier_of(grade="D", vip=True) == "vip"
    assert tier_of(grade="B", vip=False) == "B"
    assert tier_of(grade=None, vip=False) is None


def test_without_a_grade_the_value_class_decides_the_tier() -> None:
    account = Account(account_id="C-1", name="x", manager="AM-1", grade=None, value_class="high")
    assert account.tier is not None


def test_replan_keeps_matching_days_cancels_the_rest_and_adds_the_missing() -> None:
    decision = replan(
        open_items=[
            OpenCadenceItem("keep", date(2026, 12, 15), held=False),
            OpenCadenceItem("drop", date(2026, 12, 29), held=False),
        ],
        wanted=[date(2026, 12, 15), date(2027, 3, 15)],
    )
    assert (decision.keep, decision.cancel, decision.add) == (
        ("keep",),
        ("drop",),
        (date(2027, 3, 15),),
    )


def test_a_confirmed_or_moved_visit_is_kept_and_stands_for_the_nearest_wanted_day() -> None:
    decision = replan(
        open_items=[OpenCadenceItem("moved", date(2026, 12, 17), held=True)],
        wanted=[date(2026, 12, 15), date(2026, 12, 29)],
        slot_days=7,
    )
    assert (decision.keep, decision.cancel, decision.add) == (("moved",), (), (date(2026, 12, 29),))


def test_a_day_the_customer_declined_is_not_planned_again() -> None:
    decision = replan(
        open_items=[],
        wanted=[date(2026, 12, 15), date(2026, 12, 29)],
        declined={date(2026, 12, 15)},
    )
    assert decision.add == (date(2026, 12, 29),)


def test_another_visit_in_the_same_iso_week_stands_in_for_the_cadence_visit() -> None:
    assert merge_into_visit(cadence_due=date(2026, 12, 14), other_visit_due=date(2026, 12, 20))
    assert not merge_into_visit(cadence_due=date(2026, 12, 20), other_visit_due=date(2026, 12, 21))

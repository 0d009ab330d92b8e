"""Cadence by tier and the re-plan of an account's cadence visits (decision 0013)."""

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from engagement.domain.accounts import Account, Tier
from engagement.domain.cadence import (
    DEFAULT_POLICY,
    TIERS,
    CadencePolicy,
    Cancellation,
    Interval,
    InvalidPolicy,
    Replan,
    replan,
    stand_in,
)
from engagement.domain.plan import ItemKind, ItemState, Origin, PlanItem

AT = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
MONDAY = date(2027, 3, 1)


def item(
    item_id: str,
    due_on: date,
    *,
    state: ItemState = "planned",
    origin: Origin = "cadence",
    kind: ItemKind = "visit",
    window_days: int = 2,
) -> PlanItem:
    return PlanItem(
        item_id=item_id,
        account_id="C-1",
        owner="AM-1",
        kind=kind,
        origin=origin,
        due_on=due_on,
        window_start=due_on,
        window_end=due_on + timedelta(days=window_days),
        state=state,
    )


def plan(
    tier: Tier | None,
    *,
    today: date,
    last_done: date | None = None,
    items: Sequence[PlanItem] = (),
    declined: Collection[date] = (),
    policy: CadencePolicy = DEFAULT_POLICY,
    account_id: str = "C-1",
) -> Replan:
    return replan(
        policy=policy,
        tier=tier,
        account_id=account_id,
        today=today,
        last_done=last_done,
        items=items,
        declined=declined,
    )


def added(decision: Replan) -> list[date]:
    return [visit.due_on for visit in decision.add]


def cadence_items(days: Sequence[date]) -> list[PlanItem]:
    return [item(f"P-{day.isoformat()}", day) for day in days]


# The next visit after the last done one, per tier: calendar months, a 31st falling on the
# month's last day (29 February in a leap year).
NEXT_VISITS = [
    ("vip", date(2027, 3, 1), date(2027, 3, 8)),
    ("A", date(2027, 3, 1), date(2027, 3, 15)),
    ("B", date(2027, 1, 31), date(2027, 2, 28)),
    ("B", date(2028, 1, 31), date(2028, 2, 29)),
    ("B", date(2027, 3, 31), date(2027, 4, 30)),
    ("C", date(2027, 11, 30), date(2028, 2, 29)),
    ("C", date(2027, 3, 31), date(2027, 6, 30)),
    ("D", date(2027, 8, 31), date(2028, 2, 29)),
    ("D", date(2027, 3, 1), date(2027, 9, 1)),
]


@pytest.mark.parametrize(("tier", "last_done", "next_visit"), NEXT_VISITS)
@pytest.mark.parametrize("days_before", [1, 0])
def test_the_next_visit_is_one_interval_after_the_last_done_visit(
    tier: Tier, last_done: date, next_visit: date, days_before: int
) -> None:
    decision = plan(tier, today=next_visit - timedelta(days=days_before), last_done=last_done)
    first = decision.add[0]
    assert first.due_on == next_visit
    assert first.window_end == next_visit + timedelta(days=DEFAULT_POLICY.window_days[tier])


@pytest.mark.parametrize(("tier", "last_done", "next_visit"), NEXT_VISITS)
def test_a_day_after_a_next_visit_nobody_planned_it_is_due_today(
    tier: Tier, last_done: date, next_visit: date
) -> None:
    today = next_visit + timedelta(days=1)
    assert added(plan(tier, today=today, last_done=last_done))[0] == today


def test_vip_is_planned_weekly_up_to_the_horizon_and_no_further() -> None:
    decision = plan("vip", today=MONDAY, last_done=MONDAY)
    # The horizon is 8 weeks: 26 April is its last day, 3 May enters it on 8 March.
    assert added(decision) == [MONDAY + timedelta(weeks=n) for n in range(1, 9)]
    assert decision.next_entry == date(2027, 3, 8)


@pytest.mark.parametrize(
    ("tier", "expected"),
    [
        ("vip", [date(2027, 3, 8), date(2027, 3, 15), date(2027, 3, 22)]),
        ("A", [date(2027, 3, 15), date(2027, 3, 29), date(2027, 4, 12), date(2027, 4, 26)]),
        ("B", [date(2027, 4, 1)]),
    ],
)
def test_each_tier_has_its_interval(tier: Tier, expected: list[date]) -> None:
    assert added(plan(tier, today=MONDAY, last_done=MONDAY))[: len(expected)] == expected


def test_months_count_from_the_last_done_visit_so_a_31st_does_not_drift() -> None:
    long_horizon = replace(DEFAULT_POLICY, horizon_weeks=20)
    decision = plan("B", today=date(2027, 1, 31), last_done=date(2027, 1, 31), policy=long_horizon)
    assert added(decision) == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]


def test_a_quarterly_visit_is_planned_the_day_it_enters_the_horizon() -> None:
    before = plan("C", today=date(2027, 4, 5), last_done=MONDAY)
    assert before.add == () and before.next_entry == date(2027, 4, 6)
    assert added(plan("C", today=date(2027, 4, 6), last_done=MONDAY)) == [date(2027, 6, 1)]


@pytest.mark.parametrize("tier", TIERS)
def test_a_never_visited_account_starts_inside_its_first_interval_and_the_horizon(
    tier: Tier,
) -> None:
    span = min(DEFAULT_POLICY.intervals[tier].nominal_days, DEFAULT_POLICY.horizon_weeks * 7)
    firsts = [added(plan(tier, today=MONDAY, account_id=f"C-{n}"))[0] for n in range(200)]
    assert all(MONDAY <= first < MONDAY + timedelta(days=span) for first in firsts)
    assert len(set(firsts)) > span // 2  # spread, not all on one day
    assert firsts == [added(plan(tier, today=MONDAY, account_id=f"C-{n}"))[0] for n in range(200)]


def test_vip_wins_over_the_grade_and_the_grade_over_the_value_class() -> None:
    assert Account("C-1", grade="D", vip=True).tier == "vip"
    assert Account("C-1", grade="C", value_class="high").tier == "C"
    assert Account("C-1").tier is None


@pytest.mark.parametrize(("value_class", "tier"), [("high", "A"), ("medium", "B"), ("low", "C")])
def test_without_a_grade_the_value_class_gives_the_cadence(value_class: str, tier: Tier) -> None:
    account = Account("C-1", value_class=value_class, last_done_on=MONDAY)
    assert account.tier == tier
    next_visit = DEFAULT_POLICY.intervals[tier].after(MONDAY)
    decision = plan(account.tier, today=next_visit - timedelta(days=1), last_done=MONDAY)
    assert added(decision)[0] == next_visit


def test_an_account_without_a_tier_keeps_only_its_agreed_visits() -> None:
    decision = plan(
        None,
        today=MONDAY,
        items=[
            item("planned", date(2027, 3, 8)),
            item("agreed", date(2027, 3, 15), state="confirmed"),
        ],
    )
    assert decision == Replan(
        keep=("agreed",), cancel=(Cancellation("planned", "replanned"),), add=(), next_entry=None
    )


A_PLAN = [date(2027, 3, 15), date(2027, 3, 29), date(2027, 4, 12), date(2027, 4, 26)]


def test_from_a_to_vip_the_visits_planned_stay_and_the_weeks_between_are_added() -> None:
    decision = plan("vip", today=date(2027, 3, 3), last_done=MONDAY, items=cadence_items(A_PLAN))
    assert decision.cancel == ()
    assert len(decision.keep) == 4
    assert added(decision) == [
        date(2027, 3, 8),
        date(2027, 3, 22),
        date(2027, 4, 5),
        date(2027, 4, 19),
    ]


def test_from_a_to_c_the_plan_counts_from_the_last_done_visit() -> None:
    decision = plan("C", today=date(2027, 3, 3), last_done=MONDAY, items=cadence_items(A_PLAN))
    assert {c.reason for c in decision.cancel} == {"replanned"}
    assert len(decision.cancel) == 4
    # 1 June, three months after the last done visit, is beyond the horizon for now.
    assert decision.add == () and decision.next_entry == date(2027, 4, 6)


def test_a_re_plan_never_touches_confirmed_moved_or_missed_visits() -> None:
    items = [
        item("missed", date(2027, 2, 22), state="missed"),
        item("confirmed", date(2027, 3, 15), state="confirmed"),
        item("moved", date(2027, 3, 31), state="rescheduled"),
        *cadence_items(A_PLAN[2:]),
    ]
    decision = plan("C", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert decision.keep == ("confirmed", "moved")
    assert {c.item_id for c in decision.cancel} == {"P-2027-04-12", "P-2027-04-26"}
    # The next quarterly visit counts from the last agreed one: 30 June enters on 5 May.
    assert decision.add == () and decision.next_entry == date(2027, 5, 5)


def test_a_visit_moved_by_two_days_moves_the_visits_after_it() -> None:
    items = [item("moved", date(2027, 3, 17), state="rescheduled"), *cadence_items(A_PLAN[1:])]
    decision = plan("A", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert decision.keep == ("moved",)
    assert [c.item_id for c in decision.cancel] == ["P-2027-03-29", "P-2027-04-12", "P-2027-04-26"]
    assert added(decision) == [date(2027, 3, 31), date(2027, 4, 14), date(2027, 4, 28)]


def test_a_visit_moved_weeks_later_is_not_planned_again_on_its_old_day() -> None:
    # VIP planned weekly from 8 March; the customer moves 8 March to Thursday 25 March.
    weekly = cadence_items([MONDAY + timedelta(weeks=n) for n in range(2, 9)])
    items = [item("moved", date(2027, 3, 25), state="rescheduled"), *weekly]
    decision = plan("vip", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert date(2027, 3, 8) not in added(decision)
    # 15 March was planned before the moved visit and stays; 22 March was its week.
    assert set(decision.keep) == {"moved", "P-2027-03-15"}
    assert added(decision) == [date(2027, 4, 1) + timedelta(weeks=n) for n in range(4)]


def test_a_visit_confirmed_on_its_day_changes_nothing() -> None:
    items = [item("confirmed", A_PLAN[0], state="confirmed"), *cadence_items(A_PLAN[1:])]
    decision = plan("A", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert (len(decision.keep), decision.cancel, decision.add) == (4, (), ())


def test_a_day_the_customer_declined_is_not_planned_again_and_the_next_follows() -> None:
    items = cadence_items(A_PLAN[1:])
    decision = plan(
        "A", today=date(2027, 3, 3), last_done=MONDAY, items=items, declined={A_PLAN[0]}
    )
    assert (len(decision.keep), decision.cancel, decision.add) == (3, (), ())


def test_a_declined_or_missed_visit_counts_as_that_weeks_visit() -> None:
    today = date(2027, 3, 11)
    declined = plan("vip", today=today, last_done=MONDAY, declined={date(2027, 3, 8)})
    missed = plan(
        "vip",
        today=today,
        last_done=MONDAY,
        items=[item("missed", date(2027, 3, 8), state="missed")],
    )
    # Not a catch-up visit today: the next week's visit, one interval after the day.
    assert added(declined)[0] == added(missed)[0] == date(2027, 3, 15)
    assert missed.keep == () and missed.cancel == ()


def test_a_visit_planned_for_today_when_behind_stays_the_next_day() -> None:
    today = date(2027, 3, 10)
    behind = plan("A", today=today, last_done=date(2027, 1, 4))
    assert added(behind) == [today + timedelta(weeks=2 * n) for n in range(5)]
    next_day = plan(
        "A",
        today=today + timedelta(days=1),
        last_done=date(2027, 1, 4),
        items=cadence_items(added(behind)),
    )
    assert (len(next_day.keep), next_day.cancel, next_day.add) == (5, (), ())


def simulate(
    tier: Tier,
    *,
    last_done: date | None,
    start: date,
    days: int,
    on: Callable[[date, list[PlanItem]], date | None] = lambda today, items: None,
) -> tuple[list[PlanItem], list[Cancellation]]:
    """Run the daily upkeep for `days`: miss what is overdue, re-plan, apply the decision.
    `on` acts on the plan each morning and returns a day a visit was done, if one was."""
    items: list[PlanItem] = []
    cancelled: list[Cancellation] = []
    for n in range(days):
        today = start + timedelta(days=n)
        last_done = on(today, items) or last_done
        for each in items:
            if each.overdue(today):
                each.miss(at=AT)
        decision = plan(
            tier,
            today=today,
            last_done=last_done,
            items=[i for i in items if i.is_open or i.state == "missed"],
        )
        by_id = {each.item_id: each for each in items}
        for cancellation in decision.cancel:
            by_id[cancellation.item_id].cancel(
                by="us", reason=cancellation.reason, actor=None, at=AT
            )
        cancelled += decision.cancel
        items += [
            PlanItem.plan(
                item_id=f"P-{len(items) + k}",
                account_id="C-1",
                owner="AM-1",
                kind="visit",
                origin="cadence",
                due_on=visit.due_on,
                window_end=visit.window_end,
                at=AT,
            )
            for k, visit in enumerate(decision.add)
        ]
    return items, cancelled


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("last_done", [None, date(2026, 12, 31), date(2026, 6, 1)])
def test_a_rolling_plan_left_alone_for_a_year_never_moves_a_visit(
    tier: Tier, last_done: date | None
) -> None:
    items, cancelled = simulate(tier, last_done=last_done, start=date(2027, 1, 1), days=400)
    assert cancelled == []
    # Nobody visits: each visit is missed, and the next counts on from it, so the visits are
    # whole intervals from the last done one (or from the first, when none was done in time).
    dues = sorted(each.due_on for each in items)
    interval = DEFAULT_POLICY.intervals[tier]
    if last_done is not None and interval.after(last_done) >= date(2027, 1, 1):
        assert dues == [interval.after(last_done, n + 1) for n in range(len(dues))]
    else:
        assert dues == [interval.after(dues[0], n) for n in range(len(dues))]


def test_a_done_visit_moves_the_plan_once() -> None:
    def done_on_3_march(today: date, items: list[PlanItem]) -> date | None:
        if today == date(2027, 3, 3):
            items[0].complete(visit_id="V-1", on=today, at=AT)
            return today
        return None

    items, cancelled = simulate(
        "A", last_done=date(2027, 2, 15), start=date(2027, 2, 16), days=60, on=done_on_3_march
    )
    # Planned 1 March and every two weeks; done on 3 March, the rest moved by two days, once.
    assert len(cancelled) == 4
    after_done = sorted(
        each.due_on
        for each in items
        if each.state != "cancelled" and each.due_on > date(2027, 3, 3)
    )
    assert after_done[:3] == [date(2027, 3, 17), date(2027, 3, 31), date(2027, 4, 14)]


def test_another_visit_in_the_same_iso_week_stands_in_for_the_cadence_visit() -> None:
    monday, sunday = date(2027, 3, 8), date(2027, 3, 14)
    assert stand_in(monday, [item("R", sunday, origin="retention")]) is not None
    assert stand_in(monday, [item("R", date(2027, 3, 7), origin="retention")]) is None
    assert stand_in(sunday, [item("N", monday, origin="next_step")]) is not None
    # Calls and follow-ups never replace a visit; nor does a visit no longer open.
    follow_up = item("F", monday, origin="complaint_follow_up", kind="follow_up")
    assert stand_in(monday, [follow_up]) is None
    assert stand_in(monday, [item("C", monday, origin="next_step", kind="call")]) is None
    assert stand_in(monday, [item("M", monday, origin="manual", state="missed")]) is None
    assert stand_in(monday, [item("X", monday, origin="manual", state="cancelled")]) is None


def test_a_cadence_visit_in_the_week_of_a_retention_visit_is_merged_into_it() -> None:
    items = [
        *cadence_items([date(2027, 3, 8), date(2027, 3, 15)]),
        item("R", date(2027, 3, 10), origin="retention"),
    ]
    decision = plan("vip", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert decision.cancel == (Cancellation("P-2027-03-08", "merged", replaced_by="R"),)
    assert date(2027, 3, 8) not in added(decision)
    # The count goes on as if the week's visit were the cadence's.
    assert "P-2027-03-15" in decision.keep


def test_a_follow_up_call_in_the_week_of_a_cadence_visit_leaves_both() -> None:
    items = [
        *cadence_items([date(2027, 3, 8)]),
        item("F", date(2027, 3, 9), origin="first_order_3d", kind="follow_up"),
    ]
    decision = plan("vip", today=date(2027, 3, 3), last_done=MONDAY, items=items)
    assert "P-2027-03-08" in decision.keep and decision.cancel == ()


def test_a_policy_is_data_with_the_handbooks_defaults() -> None:
    assert CadencePolicy.from_data(1, DEFAULT_POLICY.to_data()) == DEFAULT_POLICY
    assert {tier: DEFAULT_POLICY.intervals[tier] for tier in TIERS} == {
        "vip": Interval(weeks=1),
        "A": Interval(weeks=2),
        "B": Interval(months=1),
        "C": Interval(months=3),
        "D": Interval(months=6),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda data: data["intervals"].pop("D"), "D"),
        (lambda data: data["intervals"].update(A={"weeks": 0}), "intervals.A"),
        (lambda data: data["window_days"].update(vip=7), "window_days.vip"),
        (lambda data: data.update(horizon_weeks=0), "horizon_weeks"),
    ],
)
def test_a_policy_that_cannot_plan_is_refused(
    change: Callable[[dict[str, object]], object], field: str
) -> None:
    data = DEFAULT_POLICY.to_data()
    change(data)
    with pytest.raises(InvalidPolicy) as refused:
        CadencePolicy.from_data(2, data)
    assert [problem.field for problem in refused.value.details] == [field]


def test_a_new_policy_version_re_plans_from_the_last_done_visit_keeping_agreed_visits() -> None:
    data = DEFAULT_POLICY.to_data()
    data["intervals"]["B"] = {"months": 2}
    every_two_months = CadencePolicy.from_data(2, data)
    items = [item("v1", date(2027, 2, 28)), item("agreed", date(2027, 3, 2), state="confirmed")]
    decision = plan(
        "B",
        today=date(2027, 2, 3),
        last_done=date(2027, 1, 31),
        items=items,
        policy=every_two_months,
    )
    assert decision.keep == ("agreed",)
    assert decision.cancel == (Cancellation("v1", "replanned"),)
    # Two months after the agreed visit: beyond the horizon for now.
    assert decision.add == () and decision.next_entry == date(2027, 3, 7)

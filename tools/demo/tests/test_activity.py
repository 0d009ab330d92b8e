"""The demo activity plan: deterministic, consistent with what the services accept, safe to
re-run, and covering what the boards and the complaint queue show."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from demo.activity.plan import (
    DONE_PER_MANAGER,
    HISTORY_DAYS,
    VISIT_PREFIX,
    Activity,
    DemoAccount,
    OpenItem,
    Organisation,
    Snapshot,
    plan_activity,
    plan_organisation,
)
from demo.generator import generate, value_class

TODAY = date(2026, 3, 4)  # a Wednesday
SEED = 7


def demo_accounts(customers: int = 120) -> tuple[DemoAccount, ...]:
    """The demo ERP's customers as the accounts API would list them."""
    data = generate(customers, datetime(2026, 3, 4, tzinfo=UTC), SEED)
    totals = data.expected_trailing()
    return tuple(
        DemoAccount(
            account_id=c.customer_id,
            name=c.name,
            manager=c.account_manager,
            net_revenue=totals[c.customer_id].net_revenue,
            value_class=value_class(totals[c.customer_id].net_revenue),
        )
        for c in data.customers
    )


def cadence(accounts: tuple[DemoAccount, ...], today: date) -> tuple[OpenItem, ...]:
    """One cadence visit per managed account, spread over the next four weeks."""
    return tuple(
        OpenItem(f"PLN-{a.account_id}", a.account_id, "visit", today + timedelta(days=i % 28))
        for i, a in enumerate(accounts)
        if a.manager
    )


def snapshot_on(today: date, accounts: tuple[DemoAccount, ...] | None = None) -> Snapshot:
    accounts = accounts or demo_accounts()
    return Snapshot(today=today, accounts=accounts, open_items=cadence(accounts, today))


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return snapshot_on(TODAY)


@pytest.fixture(scope="module")
def organisation(snapshot: Snapshot) -> Organisation:
    return plan_organisation(snapshot.accounts)


@pytest.fixture(scope="module")
def activity(snapshot: Snapshot, organisation: Organisation) -> Activity:
    return plan_activity(snapshot, organisation, SEED)


def managers(snapshot: Snapshot) -> set[str]:
    return {a.manager for a in snapshot.accounts if a.manager}


def test_teams_are_a_supervisor_with_the_managers_of_a_region(
    snapshot: Snapshot, organisation: Organisation
) -> None:
    teams = {t.name: (t.supervisor, t.managers) for t in organisation.teams}
    assert teams == {
        "east": ("SUP-01", ("AM-01", "AM-02", "AM-03")),
        "south": ("SUP-02", ("AM-04", "AM-05")),
    }
    key = organisation.key_account
    assert key is not None and key.supervisor == "SUP-01"
    east = [a for a in snapshot.accounts if a.manager in ("AM-01", "AM-02", "AM-03")]
    biggest = max(east, key=lambda a: a.net_revenue)
    assert (key.account_id, key.manager) == (biggest.account_id, biggest.manager)


def test_a_region_with_one_manager_makes_no_team() -> None:
    accounts = tuple(a for a in demo_accounts() if a.manager in ("AM-01", "AM-04"))
    assert plan_organisation(accounts) == Organisation(teams=(), key_account=None)


def test_same_seed_and_snapshot_give_the_same_plan(
    snapshot: Snapshot, organisation: Organisation, activity: Activity
) -> None:
    assert plan_activity(snapshot, organisation, SEED) == activity
    assert plan_activity(snapshot, organisation, SEED + 1) != activity


def test_every_manager_gets_a_target_for_this_month(snapshot: Snapshot, activity: Activity) -> None:
    assert {t.manager for t in activity.targets} == managers(snapshot)
    for target in activity.targets:
        assert target.month == date(2026, 3, 1)
        assert target.amount >= 50_000
        assert target.amount % 10_000 == 0
        book = sum(a.net_revenue for a in snapshot.accounts if a.manager == target.manager)
        # A month of the trailing year's sales, plus growth.
        assert book / 12 < target.amount or target.amount == 50_000


def test_visits_are_a_few_weeks_of_contacts_ending_today(
    snapshot: Snapshot, activity: Activity
) -> None:
    ids = [v.visit_id for v in activity.visits]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(VISIT_PREFIX) for i in ids)
    manager_of = {a.account_id: a.manager for a in snapshot.accounts}
    for visit in activity.visits:
        assert manager_of[visit.account_id] == visit.manager
        assert TODAY - timedelta(days=HISTORY_DAYS) <= visit.occurred_on <= TODAY
        if visit.next_step is not None:
            assert visit.next_step.due_on > TODAY
        if visit.csat is not None:
            assert 1 <= visit.csat <= 5
            assert visit.nps is not None and 0 <= visit.nps <= 10
        if not visit.does_planned_item:
            assert visit.occurred_on < TODAY
            # Calls and mails: an unplanned on-site visit would replan the cadence.
            assert visit.channel in ("phone", "email", "video")
    outcomes = Counter(v.outcome for v in activity.visits)
    assert len(outcomes) >= 4
    assert sum(1 for v in activity.visits if not v.does_planned_item) >= 3 * len(managers(snapshot))


def test_each_manager_does_planned_items_of_this_week_today(
    snapshot: Snapshot, activity: Activity
) -> None:
    items = {i.item_id: i for i in snapshot.open_items}
    week_end = TODAY + timedelta(days=4)  # Sunday
    for manager in managers(snapshot):
        done = [v for v in activity.visits if v.manager == manager and v.does_planned_item]
        assert 1 <= len(done) <= DONE_PER_MANAGER
        # One item per account: doing it replans the rest of that account's cadence.
        assert len({v.account_id for v in done}) == len(done)
        for visit in done:
            assert visit.occurred_on == TODAY
            if visit.item_id is not None:
                item = items[visit.item_id]
                assert item.account_id == visit.account_id
                assert TODAY <= item.due_on <= week_end
                assert visit.channel == "on_site"
            else:
                assert visit.plan_on == TODAY
        book = {a.account_id for a in snapshot.accounts if a.manager == manager}
        done_accounts = {v.account_id for v in done}
        unplanned = {
            v.account_id
            for v in activity.visits
            if v.manager == manager and not v.does_planned_item
        }
        if book - done_accounts:
            assert not unplanned & done_accounts
    all_items = [v.item_id for v in activity.visits if v.item_id]
    assert len(set(all_items)) == len(all_items)


def test_a_manager_with_nothing_due_this_week_plans_a_visit_for_today(
    snapshot: Snapshot, organisation: Organisation
) -> None:
    later = tuple(replace(i, due_on=i.due_on + timedelta(weeks=5)) for i in snapshot.open_items)
    activity = plan_activity(replace(snapshot, open_items=later), organisation, SEED)
    done = [v for v in activity.visits if v.does_planned_item]
    assert len(done) == len(managers(snapshot))
    assert {(v.item_id, v.plan_on) for v in done} == {(None, TODAY)}


def test_on_a_sunday_only_items_due_today_are_done() -> None:
    sunday = date(2026, 3, 8)
    snapshot = snapshot_on(sunday)
    activity = plan_activity(snapshot, plan_organisation(snapshot.accounts), SEED)
    items = {i.item_id: i for i in snapshot.open_items}
    done = [v for v in activity.visits if v.item_id]
    assert done
    assert {items[str(v.item_id)].due_on for v in done} == {sunday}


def test_survey_answers_and_customers_moving_or_cancelling_next_steps(
    snapshot: Snapshot, activity: Activity
) -> None:
    assert {s.manager for s in activity.surveys} == managers(snapshot)
    for survey in activity.surveys:
        assert 1 <= survey.csat <= 5 and 0 <= survey.nps <= 10
    assert len(activity.reschedules) >= 2 and len(activity.cancellations) >= 2
    visits = {v.visit_id: v for v in activity.visits}
    for moved in activity.reschedules:
        step = visits[moved.visit_id].next_step
        assert step is not None and moved.due_on > step.due_on
        assert moved.reason in ("customer_request", "customer_unavailable")
    for cancelled in activity.cancellations:
        assert visits[cancelled.visit_id].next_step is not None
    changed = [c.manager for c in [*activity.reschedules, *activity.cancellations]]
    assert sorted(changed) == sorted(managers(snapshot))


def test_tickets_fill_every_state_of_the_queue(
    snapshot: Snapshot, organisation: Organisation, activity: Activity
) -> None:
    tickets = activity.tickets
    assert len(tickets) == 6
    assert len({t.account_id for t in tickets}) == 6
    team_managers = {m for team in organisation.teams for m in team.managers}
    manager_of = {a.account_id: a.manager for a in snapshot.accounts}
    assert {manager_of[t.account_id] for t in tickets} <= team_managers
    assert sorted(tuple(s.path for s in t.steps) for t in tickets) == [
        (),
        (),
        ("acknowledge",),
        ("acknowledge", "investigate", "assign"),
        ("acknowledge", "investigate", "clocks/resolve/pause"),
        ("acknowledge", "investigate", "propose-solution", "resolve"),
    ]
    # The near-breach one: the key account's, untouched, filed last.
    assert organisation.key_account is not None
    last = tickets[-1]
    assert last.account_id == organisation.key_account.account_id
    assert "near its SLA breach" in last.state and last.steps == ()
    assert {t.severity for t in tickets} == {1, 2, 3}


def test_a_rerun_adds_nothing_that_is_already_there(
    snapshot: Snapshot, organisation: Organisation, activity: Activity
) -> None:
    again = replace(
        snapshot,
        managers_done=frozenset(v.manager for v in activity.visits),
        tickets=frozenset((t.account_id, t.category) for t in activity.tickets),
    )
    rerun = plan_activity(again, organisation, SEED)
    assert rerun.visits == rerun.surveys == rerun.reschedules == rerun.cancellations == ()
    assert rerun.tickets == ()
    # Targets are set, not added: setting them again changes nothing.
    assert rerun.targets == activity.targets


def test_one_managers_plan_does_not_depend_on_the_others(
    snapshot: Snapshot, organisation: Organisation, activity: Activity
) -> None:
    others_done = replace(snapshot, managers_done=frozenset({"AM-02", "AM-03"}))
    partial = plan_activity(others_done, organisation, SEED)
    assert [v for v in partial.visits if v.manager == "AM-01"] == [
        v for v in activity.visits if v.manager == "AM-01"
    ]


def test_a_small_book_still_gets_its_activity() -> None:
    accounts = demo_accounts(12)
    snapshot = snapshot_on(TODAY, accounts)
    organisation = plan_organisation(accounts)
    activity = plan_activity(snapshot, organisation, SEED)
    assert {v.manager for v in activity.visits} == managers(snapshot)
    assert {t.account_id for t in activity.tickets} <= {a.account_id for a in accounts}

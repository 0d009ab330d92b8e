"""Events counted through the consumers' handler move the right figures; a figure as of a past
day never moves; an event delivered twice is counted once."""

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.testing import unique
from contracts import accounts_v1, complaints_v1, engagement_v1, erp_v1
from reporting.bootstrap import Reporting
from reporting.domain.scope import parse_scope
from reporting.service_layer.views import Question, drill_down, figures, question
from reporting_fixtures import feed, received

pytestmark = pytest.mark.integration

DAY = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)


def ask(
    app: Reporting, manager: str, *, period: str = "2025-03", as_of: str = "2025-03-31"
) -> Question:
    return question(
        period=period,
        as_of=as_of,
        today=date(2026, 12, 3),
        scope=parse_scope(f"manager:{manager}", app.teams),
    )


async def values(app: Reporting, asked: Question, *names: str) -> dict[str, dict[str, object]]:
    async with app.uow() as uow:
        return {one.name: one.value for one in await figures(uow, asked, app.settings, names)}


def registered(account_id: str, manager: str, at: datetime) -> accounts_v1.AccountRegistered:
    return accounts_v1.AccountRegistered(
        account_id=account_id,
        name="Shop",
        region="East",
        country="CN",
        segment="pharmacy",
        account_manager=manager,
        registered_at=at,
    )


def order(order_id: str, account_id: str, total: str, at: datetime) -> erp_v1.OrderPlaced:
    return erp_v1.OrderPlaced.model_validate(
        {
            "order_id": order_id,
            "customer_id": account_id,
            "placed_at": at,
            "currency": "CNY",
            "total": total,
            "lines": [{"sku": "S", "category": "skincare", "quantity": 1, "unit_price": total}],
        }
    )


def answer(account_id: str, nps: int, at: datetime) -> engagement_v1.FeedbackRecorded:
    return engagement_v1.FeedbackRecorded(
        feedback_id=unique("fb"), account_id=account_id, nps=nps, context="survey", responded_at=at
    )


async def test_orders_feedback_visits_and_tickets_move_their_figures(reporting: Reporting) -> None:
    manager = unique("AM")
    accounts = [unique("C") for _ in range(2)]
    start = DAY - timedelta(days=60)
    events = [received(registered(account, manager, start), arrived=start) for account in accounts]
    events += [
        received(order(unique("SO"), accounts[0], "100.00", DAY), arrived=DAY),
        received(order(unique("SO"), accounts[0], "300.00", DAY), arrived=DAY),
        received(order(unique("SO"), accounts[1], "200.00", DAY), arrived=DAY),
    ]
    events += [
        received(answer(accounts[i % 2], score, DAY), arrived=DAY)
        for i, score in enumerate([10, 9, 9, 8, 3])
    ]
    events += [
        received(
            engagement_v1.VisitLogged(
                visit_id=unique("v"),
                account_id=accounts[0],
                manager=manager,
                occurred_on=DAY.date(),
                channel="on_site",
                duration_minutes=30,
                outcome="information",
                logged_at=DAY,
            ),
            arrived=DAY,
        )
        for _ in range(9)
    ]
    ticket = unique("T")
    events += [
        received(
            complaints_v1.TicketFiled(
                ticket_id=ticket,
                account_id=accounts[1],
                channel="hotline",
                category="delivery",
                severity=2,
                policy_version=1,
                filed_by="h",
                filed_at=DAY,
            ),
            arrived=DAY,
        ),
        received(
            complaints_v1.SlaMet(
                ticket_id=ticket, account_id=accounts[1], clock="respond", deadline=DAY, met_at=DAY
            ),
            arrived=DAY,
        ),
        received(
            complaints_v1.SlaBreached(
                ticket_id=ticket,
                account_id=accounts[1],
                clock="resolve",
                severity=2,
                deadline=DAY,
                breached_at=DAY,
            ),
            arrived=DAY,
        ),
    ]
    await feed(reporting, events)

    got = await values(
        reporting,
        ask(reporting, manager),
        "nps",
        "repeat_purchase",
        "clv",
        "visits",
        "complaint_rate",
        "sla_compliance",
        "retention",
    )
    assert got["nps"]["score"] == "40.00"
    assert got["repeat_purchase"]["rate"] == "50.00"
    assert got["clv"]["revenue"] == "600.00"
    assert got["visits"]["per_manager_month"] == "9.00"
    assert got["visits"]["of_norm"] == "45.00"
    assert got["complaint_rate"]["per_100_accounts"] == "50.00"
    assert got["sla_compliance"]["rate"] == "50.00"
    assert got["retention"] == {"at_start": 2, "at_end": 2, "new": 0, "rate": "100.00"}

    async with reporting.uow() as uow:
        behind = await drill_down(uow, ask(reporting, manager), reporting.settings, "nps", None)
    assert len(behind) == 5
    assert {row.type for row in behind} == {"engagement.feedback.recorded.v1"}
    assert {row.account_id for row in behind} == set(accounts)


async def test_a_figure_as_of_yesterday_does_not_move_when_an_event_about_today_arrives(
    reporting: Reporting,
) -> None:
    manager = unique("AM")
    account = unique("C")
    yesterday = DAY
    today = DAY + timedelta(days=1)
    await feed(
        reporting,
        [
            received(
                registered(account, manager, DAY - timedelta(days=30)),
                arrived=DAY - timedelta(days=30),
            ),
            received(order(unique("SO"), account, "100.00", yesterday), arrived=yesterday),
        ],
    )
    as_of_yesterday = ask(reporting, manager, as_of=yesterday.date().isoformat())
    before = await values(reporting, as_of_yesterday, "clv", "sales_vs_target")

    # Today: another order, and a late return of yesterday's order known only today.
    await feed(
        reporting,
        [received(order(unique("SO"), account, "50.00", today), arrived=today)],
    )
    after = await values(reporting, as_of_yesterday, "clv", "sales_vs_target")
    assert after == before
    assert before["clv"]["revenue"] == "100.00"
    now = await values(reporting, ask(reporting, manager, as_of=today.date().isoformat()), "clv")
    assert now["clv"]["revenue"] == "150.00"


async def test_an_event_delivered_twice_is_counted_once(reporting: Reporting) -> None:
    manager = unique("AM")
    account = unique("C")
    await feed(
        reporting, [received(registered(account, manager, DAY - timedelta(days=5)), arrived=DAY)]
    )
    twice = received(answer(account, 10, DAY), arrived=DAY, event_id=unique("evt"))
    await feed(reporting, [twice, twice])
    # The same feedback again under a new event id (a resend) is still one answer.
    again = received(twice.data, arrived=DAY + timedelta(seconds=1))
    await feed(reporting, [again])
    got = await values(reporting, ask(reporting, manager), "nps")
    assert got["nps"]["answers"] == 1


def planned(
    item_id: str, account_id: str, manager: str, due: date
) -> engagement_v1.PlanItemPlanned:
    return engagement_v1.PlanItemPlanned(
        item_id=item_id,
        account_id=account_id,
        owner=manager,
        kind="visit",
        origin="cadence",
        due_on=due,
        window_start=due,
        window_end=due + timedelta(days=3),
        planned_at=DAY - timedelta(days=40),
    )


def moved(
    item_id: str, account_id: str, manager: str, before: date, due: date
) -> engagement_v1.PlanItemRescheduled:
    return engagement_v1.PlanItemRescheduled(
        item_id=item_id,
        account_id=account_id,
        owner=manager,
        previous_due_on=before,
        due_on=due,
        window_end=due + timedelta(days=3),
        requested_by="customer",
        reason="customer_request",
        reschedule_count=1,
        account_reschedule_count=1,
        rescheduled_at=DAY - timedelta(days=20),
    )


async def test_plan_completion_counts_an_item_by_its_latest_due_day(reporting: Reporting) -> None:
    manager, account = unique("AM"), unique("C")
    stays, moved_in, moved_out = (unique("PI") for _ in range(3))
    february, march, april = date(2025, 2, 20), date(2025, 3, 12), date(2025, 4, 8)
    arrived = DAY - timedelta(days=20)
    await feed(
        reporting,
        [
            received(registered(account, manager, DAY - timedelta(days=60)), arrived=arrived),
            received(planned(stays, account, manager, march), arrived=arrived),
            # Due in February first, then moved into March: a March item.
            received(planned(moved_in, account, manager, february), arrived=arrived),
            received(moved(moved_in, account, manager, february, march), arrived=arrived),
            # Due in March first, then moved to April: no longer a March item.
            received(planned(moved_out, account, manager, march), arrived=arrived),
            received(moved(moved_out, account, manager, march, april), arrived=arrived),
        ],
    )

    got = await values(reporting, ask(reporting, manager), "plan_completion")
    assert got["plan_completion"]["due"] == 2
    async with reporting.uow() as uow:
        behind = await drill_down(
            uow, ask(reporting, manager), reporting.settings, "plan_completion", None
        )
    assert {row.type for row in behind} == {
        "engagement.plan_item.planned.v1",
        "engagement.plan_item.rescheduled.v1",
    }


async def test_an_account_and_an_item_handed_to_another_manager_count_for_the_new_one(
    reporting: Reporting,
) -> None:
    before, after, account, item = unique("AM"), unique("AM"), unique("C"), unique("PI")
    march = date(2025, 3, 12)
    arrived = DAY - timedelta(days=20)
    handed = accounts_v1.AccountUpdated(
        account_id=account,
        changed_fields=["account_manager"],
        name="Shop",
        region="East",
        country="CN",
        segment="pharmacy",
        account_manager=after,
        updated_at=DAY - timedelta(days=30),
    )
    item_handed = moved(item, account, after, march, march)
    await feed(
        reporting,
        [
            received(registered(account, before, DAY - timedelta(days=60)), arrived=arrived),
            received(handed, arrived=arrived),
            received(order(unique("SO"), account, "250.00", DAY), arrived=DAY),
            received(planned(item, account, before, march), arrived=arrived),
            received(item_handed, arrived=arrived),
        ],
    )

    old = await values(reporting, ask(reporting, before), "clv", "plan_completion")
    new = await values(reporting, ask(reporting, after), "clv", "plan_completion")
    assert (old["clv"]["revenue"], old["plan_completion"]["due"]) == ("0", 0)
    assert (new["clv"]["revenue"], new["plan_completion"]["due"]) == ("250.00", 1)

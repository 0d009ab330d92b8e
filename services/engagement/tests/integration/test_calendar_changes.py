"""A calendar change on PostgreSQL: the plans that greet for holidays are due for upkeep at
once, and the upkeep cancels the open greeting of a holiday that moved or is gone and plans the
new one (decision 0013, rule 11). A database of its own: the calendar is the whole service's."""

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest

from chassis.clock import FixedClock
from chassis.scheduler import pending_timers
from chassis.testing import Infrastructure, scratch_database
from engagement.adapters.tables import timers
from engagement.bootstrap import Engagement, bootstrap
from engagement.domain.calendar import Holiday
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement.service_layer.handlers import fire_upkeep
from engagement_fixtures import T0, add_account, engagement_settings, prepare_engagement

pytestmark = pytest.mark.integration

FOUNDERS = date(2026, 12, 25)
MOVED_FOUNDERS = date(2026, 12, 28)
NEW_YEAR = date(2027, 1, 1)
SPRING = date(2027, 1, 20)


@pytest.fixture(scope="module")
async def own_database(infrastructure: Infrastructure) -> AsyncIterator[dict[str, str]]:
    async with scratch_database(infrastructure, "engagement_calendar") as database:
        service = await prepare_engagement(infrastructure, database=database)
        yield service.env


@pytest.fixture
async def app(own_database: dict[str, str]) -> AsyncIterator[Engagement]:
    engagement = bootstrap(engagement_settings(own_database), clock=FixedClock(T0))
    yield engagement
    await engagement.dispose()


async def set_holidays(app: Engagement, *holidays: Holiday) -> None:
    await actions.set_calendar(
        uow=app.uow(),
        command=c.SetCalendar(holidays=holidays, working_days=()),
        clock=app.clock,
    )


async def greetings(app: Engagement, account_id: str) -> list[dict[str, Any]]:
    async with app.uow() as uow:
        rows = await uow.queries.account_items(account_id, since=T0.date())
    return [row for row in rows if row["origin"] == "holiday"]


async def run_due_upkeep(app: Engagement, account_ids: list[str]) -> None:
    """What the worker's scheduler does with the accounts' due upkeep timers."""
    async with app.uow() as uow:
        due = await pending_timers(uow.session, timers, account_ids)
        assert {t.key for t in due if t.due_at <= app.clock.now()} == set(account_ids)
        await fire_upkeep(uow=uow, timers=due, now=app.clock.now(), settings=app.plan)
        await uow.commit()


async def test_a_moved_or_removed_holiday_cancels_its_greeting_and_plans_the_new_one(
    app: Engagement,
) -> None:
    await set_holidays(
        app,
        Holiday(FOUNDERS, "Founders' Day"),
        Holiday(NEW_YEAR, "New Year's Day"),
        Holiday(SPRING, "Company outing"),
    )
    key_account, _ = await add_account(app, grade="A", vip=True)
    other, _ = await add_account(app, grade="C")
    before = {row["trigger"]: row for row in await greetings(app, key_account)}
    assert sorted(before) == [
        "holiday:2026-12-25",
        "holiday:2027-01-01",
        "holiday:2027-01-20",
    ]
    assert await greetings(app, other) == []

    # Founders' Day moves to the 28th, the outing is dropped, New Year stays.
    await set_holidays(
        app, Holiday(MOVED_FOUNDERS, "Founders' Day"), Holiday(NEW_YEAR, "New Year's Day")
    )
    await run_due_upkeep(app, [key_account])

    after = {row["trigger"]: row for row in await greetings(app, key_account)}
    assert {trigger: row["state"] for trigger, row in after.items()} == {
        "holiday:2026-12-25": "cancelled",
        "holiday:2027-01-20": "cancelled",
        "holiday:2027-01-01": "planned",
        "holiday:2026-12-28": "planned",
    }
    assert after["holiday:2027-01-01"]["item_id"] == before["holiday:2027-01-01"]["item_id"]
    moved = after["holiday:2026-12-28"]
    assert (moved["due_on"], moved["window_end"], moved["note"]) == (
        date(2026, 12, 25),
        MOVED_FOUNDERS,
        "Founders' Day",
    )
    assert await greetings(app, other) == []

"""The plan item store on the real PostgreSQL: a batch larger than one statement's parameter
limit is written whole, a trigger already planned is not planned twice, and a batch of manager
changes moves each account's items in one statement."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from chassis.testing import unique
from contracts.engagement_v1 import PlanItemsReassigned
from engagement.adapters.tables import outbox, plan_items
from engagement.bootstrap import Engagement
from engagement.domain.plan import PlanItem
from engagement_fixtures import T0, add_account, feed_accounts, registered

pytestmark = pytest.mark.integration


def follow_ups(account_id: str, count: int) -> list[PlanItem]:
    return [
        PlanItem.plan(
            item_id=unique("PI"),
            account_id=account_id,
            owner="AM-1",
            kind="call",
            origin="retention",
            due_on=date(2026, 12, 3),
            window_end=date(2026, 12, 3) + timedelta(days=7),
            at=T0,
            trigger=f"at_risk:{n}",
        )
        for n in range(count)
    ]


async def test_thousands_of_items_in_one_batch_are_added_once(engagement: Engagement) -> None:
    account_id = unique("C")
    # 2,500 rows of 17 columns are more parameters than asyncpg takes in one statement.
    batch = follow_ups(account_id, 2500)
    async with engagement.uow() as uow:
        assert len(await uow.items.add(batch)) == 2500
        await uow.commit()
    again = follow_ups(account_id, 2500)
    async with engagement.uow() as uow:
        assert await uow.items.add(again) == []
        await uow.commit()


async def test_a_batch_of_manager_changes_moves_each_accounts_open_items_to_its_manager(
    engagement: Engagement,
) -> None:
    # Two accounts planned (grade B cadence visits), then both change manager in one batch.
    first, _ = await add_account(engagement)
    second, _ = await add_account(engagement)
    await feed_accounts(
        engagement,
        [registered(first, manager="AM-NEW-1"), registered(second, manager="AM-NEW-2")],
    )
    async with engagement.engine.connect() as connection:
        owners = (
            await connection.execute(
                select(plan_items.c.account_id, plan_items.c.owner)
                .where(plan_items.c.account_id.in_([first, second]))
                .distinct()
            )
        ).all()
        moves = (
            await connection.execute(
                select(outbox.c.key, outbox.c.payload["data"]["owner"].astext).where(
                    outbox.c.payload["type"].astext == PlanItemsReassigned.event_type,
                    outbox.c.key.in_([first, second]),
                )
            )
        ).all()
    assert sorted(owners) == sorted([(first, "AM-NEW-1"), (second, "AM-NEW-2")])
    assert sorted(moves) == sorted([(first, "AM-NEW-1"), (second, "AM-NEW-2")])

"""The plan item store on the real PostgreSQL: a batch larger than one statement's parameter
limit is written whole, and a trigger already planned is not planned twice."""

from datetime import date, timedelta

import pytest

from chassis.testing import unique
from engagement.bootstrap import Engagement
from engagement.domain.plan import PlanItem
from engagement_fixtures import T0

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

"""A new cadence policy version on PostgreSQL: activating it leaves the plans as they are; the
workers' catch-up re-plans every account behind it, a batch at a time, keeping what people
agreed (decision 0013). A database of its own: an activated policy would change the session's
other plans."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from chassis.clock import FixedClock
from chassis.testing import Infrastructure, scratch_database
from engagement.bootstrap import Engagement, bootstrap
from engagement.domain.cadence import DEFAULT_POLICY
from engagement.domain.plan import PlanItem
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement.service_layer.handlers import catch_up_with_policy
from engagement_fixtures import T0, add_account, engagement_settings, prepare_engagement

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def own_database(infrastructure: Infrastructure) -> AsyncIterator[dict[str, str]]:
    async with scratch_database(infrastructure, "engagement_policies") as database:
        service = await prepare_engagement(infrastructure, database=database)
        yield service.env


@pytest.fixture
async def app(own_database: dict[str, str]) -> AsyncIterator[Engagement]:
    engagement = bootstrap(engagement_settings(own_database), clock=FixedClock(T0))
    yield engagement
    await engagement.dispose()


async def cadence_of(app: Engagement, account_id: str) -> list[PlanItem]:
    async with app.uow() as uow:
        items = (await uow.items.open_of([account_id]))[account_id]
    return [item for item in items if item.origin == "cadence"]


async def behind(app: Engagement) -> int:
    async with app.uow() as uow:
        return await uow.accounts.count_behind_policy((await uow.policies.active()).version)


async def test_a_new_policy_re_plans_the_accounts_behind_it_and_keeps_confirmed_visits(
    app: Engagement,
) -> None:
    account_id, _ = await add_account(app, grade="B")
    first, *monthly = await cadence_of(app, account_id)
    await actions.confirm_item(
        uow=app.uow(),
        command=c.ConfirmItem(first.item_id, actor="AM-1", managers=None),
        clock=app.clock,
    )
    data = DEFAULT_POLICY.to_data()
    data["intervals"]["B"] = {"weeks": 2}
    version = await actions.draft_policy(
        uow=app.uow(), command=c.DraftCadencePolicy(data=data, actor="ADM-1"), clock=app.clock
    )
    await actions.activate_policy(
        uow=app.uow(), command=c.ActivateCadencePolicy(version, actor="ADM-1"), clock=app.clock
    )
    # Activation alone re-plans nothing: the account is behind the new version.
    assert [i.item_id for i in await cadence_of(app, account_id)] == [
        first.item_id,
        *(i.item_id for i in monthly),
    ]
    assert await behind(app) >= 1

    while await catch_up_with_policy(
        uow=app.uow(), now=app.clock.now(), settings=app.plan, batch_size=2
    ):
        pass
    assert await behind(app) == 0
    after = await cadence_of(app, account_id)
    assert (after[0].item_id, after[0].state, after[0].policy_version) == (
        first.item_id,
        "confirmed",
        DEFAULT_POLICY.version,
    )
    # Every two weeks from the confirmed visit, up to the horizon, planned under the new version.
    horizon_end = T0.date() + timedelta(weeks=DEFAULT_POLICY.horizon_weeks)
    expected = [first.due_on + timedelta(weeks=2 * n) for n in range(1, 5)]
    assert [i.due_on for i in after[1:]] == [day for day in expected if day <= horizon_end]
    assert {i.policy_version for i in after[1:]} == {version}
    assert not {i.item_id for i in monthly} & {i.item_id for i in after}

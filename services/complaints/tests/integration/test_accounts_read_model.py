"""The local read model of accounts, fed by the accounts events: idempotent, ordered per account,
deaf to events it has no use for."""

from datetime import UTC, datetime

import pytest

from chassis.kafka import ReceivedEvent
from chassis.testing import unique
from complaints.bootstrap import Complaints
from complaints.service_layer.handlers import apply_account_events
from contracts import accounts_v1
from contracts.envelope import CloudEvent, EventData

pytestmark = pytest.mark.integration


def received(data: EventData, envelope: CloudEvent | None = None) -> ReceivedEvent:
    envelope = envelope or CloudEvent.wrap(data, source="accounts")
    return ReceivedEvent(envelope, data, accounts_v1.ACCOUNTS_TOPIC, 0, 0)


async def test_vip_granted_then_revoked_and_duplicates_change_nothing(
    complaints: Complaints,
) -> None:
    account_id = unique("C")
    now = datetime.now(UTC)
    registered = received(
        accounts_v1.AccountRegistered(
            account_id=account_id,
            name="Lotus Retail",
            region="South",
            country="CN",
            segment="retail",
            registered_at=now,
        )
    )
    granted = received(
        accounts_v1.AccountVipGranted(
            account_id=account_id, nominated_by="a", approved_by="b", reason="r", granted_at=now
        )
    )
    revoked = received(
        accounts_v1.AccountVipRevoked(
            account_id=account_id, revoked_by="b", reason="r", revoked_at=now
        )
    )
    consumer = unique("consumer")
    await apply_account_events(
        uow=complaints.uow(), consumer=consumer, events=[registered, granted, revoked]
    )
    # The grant delivered again (a redelivery after a rebalance) must not make it VIP again.
    await apply_account_events(uow=complaints.uow(), consumer=consumer, events=[granted])
    async with complaints.uow() as uow:
        account = await uow.accounts.get(account_id, visible_to=None)
    assert account is not None
    assert (account.name, account.vip, account.tier) == ("Lotus Retail", False, None)


async def test_an_account_known_only_by_unrelated_events_is_not_registered(
    complaints: Complaints,
) -> None:
    account_id = unique("C")
    granted = received(
        accounts_v1.AccountVipGranted(
            account_id=account_id,
            nominated_by="a",
            approved_by="b",
            reason="r",
            granted_at=datetime.now(UTC),
        )
    )
    await apply_account_events(uow=complaints.uow(), consumer=unique("consumer"), events=[granted])
    async with complaints.uow() as uow:
        assert await uow.accounts.get(account_id, visible_to=None) is None

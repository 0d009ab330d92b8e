"""The one-off republish of key dates on the real PostgreSQL: a card queued by migration 0007
(saved before AccountKeyDatesChanged existed) gets its yearly dates into the outbox once, and
the queue is empty after it. Cards are saved through the real accounts API process."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select

from accounts.adapters.tables import key_dates_republish, outbox
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.service_layer.cards import republish_key_dates
from accounts_fixtures import MANAGER
from chassis.testing import Keycloak, ServiceProcess, SignedInAs, unique

pytestmark = pytest.mark.integration

KEY_DATES = "accounts.account.key_dates_changed.v1"
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
async def app(accounts_env: dict[str, str]) -> AsyncIterator[Accounts]:
    accounts = bootstrap(
        AccountsSettings(
            database_url=accounts_env["ACCOUNTS_DATABASE_URL"],
            kafka_bootstrap_servers=accounts_env["ACCOUNTS_KAFKA_BOOTSTRAP_SERVERS"],
            kafka_username=accounts_env["ACCOUNTS_KAFKA_USERNAME"],
            kafka_password=accounts_env["ACCOUNTS_KAFKA_PASSWORD"],
        )
    )
    yield accounts
    await accounts.dispose()


async def account_with_card(
    api: ServiceProcess, keycloak: Keycloak, card: dict[str, object]
) -> str:
    async with httpx.AsyncClient(
        base_url=api.base_url, timeout=30, auth=SignedInAs(keycloak, MANAGER)
    ) as client:
        account_id = unique("P")
        response = await client.post(
            "/api/v1/accounts",
            json={"account_id": account_id, "name": "Old Card Co", "region": "East"},
        )
        assert response.status_code == 201, response.text
        response = await client.put(
            f"/api/v1/accounts/{account_id}/card",
            json={**card, "expected_version": 0},
        )
        assert response.status_code == 200, response.text
    return account_id


async def key_date_payloads(app: Accounts, account_id: str) -> list[dict[str, object]]:
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            select(outbox.c.payload)
            .where(outbox.c.key == account_id, outbox.c.payload["type"].astext == KEY_DATES)
            .order_by(outbox.c.id)
        )
        return [row.payload for row in rows]


async def test_a_queued_card_publishes_its_key_dates_once(
    app: Accounts, accounts_api: ServiceProcess, keycloak: Keycloak
) -> None:
    dated = await account_with_card(
        accounts_api, keycloak, {"contacts": [{"name": "Li Wei", "birthday": "1980-05-17"}]}
    )
    undated = await account_with_card(accounts_api, keycloak, {"contacts": [{"name": "Wang Fang"}]})
    assert len(await key_date_payloads(app, dated)) == 1  # saved now: published on save
    # As migration 0007 queues the cards saved before the event existed.
    async with app.engine.begin() as connection:
        await connection.execute(
            key_dates_republish.insert(), [{"account_id": dated}, {"account_id": undated}]
        )

    while await republish_key_dates(uow=app.uow(), now=NOW, limit=1):
        pass

    dated_events = await key_date_payloads(app, dated)
    assert len(dated_events) == 2
    data = dated_events[1]["data"]
    assert isinstance(data, dict)
    assert data["card_version"] == 1
    assert [(d["kind"], d["month"], d["day"]) for d in data["key_dates"]] == [("birthday", 5, 17)]
    assert await key_date_payloads(app, undated) == []
    async with app.engine.connect() as connection:
        left = await connection.scalar(
            select(func.count())
            .select_from(key_dates_republish)
            .where(key_dates_republish.c.account_id.in_([dated, undated]))
        )
    assert left == 0
    # Run again (another worker start): nothing more.
    assert await republish_key_dates(uow=app.uow(), now=NOW, limit=10) == 0
    assert len(await key_date_payloads(app, dated)) == 2

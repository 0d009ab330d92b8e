"""Migration 0012 on the real PostgreSQL: a card's ticked marketing consent box becomes a
"given" consent record (channel `card`, by the card's saver, at its save), an unticked one
none, and no stored card or version keeps the field."""

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.db import alembic_config, asyncpg_url
from chassis.testing import Infrastructure, migrate_service, scratch_database

pytestmark = pytest.mark.integration

SERVICE_ROOT = Path(__file__).resolve().parents[2]
SAVED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def contact(contact_id: str, name: str, consent: bool) -> dict[str, object]:
    return {"contact_id": contact_id, "name": name, "marketing_consent": consent}


async def test_ticked_boxes_become_given_consents_and_the_field_leaves_every_card(
    infrastructure: Infrastructure,
) -> None:
    async with scratch_database(infrastructure, "accounts_consent") as database:
        url = migrate_service(infrastructure, "accounts", database=database)
        config = alembic_config(SERVICE_ROOT, url)
        await asyncio.to_thread(command.downgrade, config, "0011")
        card = {"contacts": [contact("c1", "Li Wei", True), contact("c2", "Wu Hao", False)]}
        engine = create_async_engine(asyncpg_url(url))
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO accounts.accounts (account_id, name, region, country, "
                        "segment, address, erp_updated_at) "
                        "VALUES ('A-1', 'Old Co', 'East', 'CN', 'pharmacy', '', :at)"
                    ),
                    {"at": SAVED_AT},
                )
                await connection.execute(
                    text(
                        "INSERT INTO accounts.cards VALUES ('A-1', 1, CAST(:card AS jsonb), "
                        "'AM-01', :at)"
                    ),
                    {"card": json.dumps(card), "at": SAVED_AT},
                )
                await connection.execute(
                    text(
                        "INSERT INTO accounts.card_versions VALUES ('A-1', 1, 'AM-01', :at, "
                        "CAST(:card AS jsonb), '[]'::jsonb)"
                    ),
                    {"card": json.dumps(card), "at": SAVED_AT},
                )
            await asyncio.to_thread(command.upgrade, config, "head")
            async with engine.connect() as connection:
                consents = (
                    await connection.execute(
                        text(
                            "SELECT contact_id, state, channel, recorded_by, recorded_at "
                            "FROM accounts.contact_consents"
                        )
                    )
                ).all()
                stored = (
                    await connection.execute(
                        text(
                            "SELECT content FROM accounts.cards UNION ALL "
                            "SELECT content FROM accounts.card_versions"
                        )
                    )
                ).scalars()
                contents = list(stored)
        finally:
            await engine.dispose()
    assert [tuple(row) for row in consents] == [("c1", "given", "card", "AM-01", SAVED_AT)]
    assert len(contents) == 2
    for content in contents:
        assert content["contacts"] == [
            {"contact_id": "c1", "name": "Li Wei"},
            {"contact_id": "c2", "name": "Wu Hao"},
        ]

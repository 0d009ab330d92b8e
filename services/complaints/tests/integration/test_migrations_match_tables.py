"""The complaints migrations build exactly the schema `adapters/tables.py` describes, the chassis's
tables (outbox, inbox, timers) included."""

import pytest

from chassis.migrations import schema_drift
from chassis.testing import Infrastructure, migrate_service, scratch_database
from complaints.adapters.tables import metadata

pytestmark = pytest.mark.integration


async def test_a_freshly_migrated_schema_matches_the_table_definitions(
    infrastructure: Infrastructure,
) -> None:
    async with scratch_database(infrastructure, "drift") as database:
        migrate_service(infrastructure, "complaints", database=database)
        drift = await schema_drift(infrastructure.admin_url_for(database), metadata)
        assert drift == []

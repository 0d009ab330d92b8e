"""The reporting migrations build exactly the schema `adapters/tables.py` describes, the
chassis's tables (outbox, inbox) included."""

import pytest

from chassis.testing import Infrastructure, drift_after_migrations
from reporting.adapters.tables import metadata

pytestmark = pytest.mark.integration


async def test_a_freshly_migrated_schema_matches_the_table_definitions(
    infrastructure: Infrastructure,
) -> None:
    assert await drift_after_migrations(infrastructure, "reporting", metadata) == []

"""The engagement schema's chassis tables: outbox and inbox

Revision ID: 0001
Revises:
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import MetaData

from chassis.inbox import inbox_table
from chassis.outbox import outbox_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "engagement"


def upgrade() -> None:
    # The chassis defines its tables; a service creates them, never copies their columns.
    chassis_tables = MetaData(schema=SCHEMA)
    outbox_table(chassis_tables)
    inbox_table(chassis_tables)
    chassis_tables.create_all(op.get_bind())


def downgrade() -> None:
    op.drop_table("inbox", schema=SCHEMA)
    op.drop_table("outbox", schema=SCHEMA)

"""The reporting schema's chassis tables: outbox and inbox

Revision ID: 0001
Revises:
Create Date: 2026-12-02 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from chassis.migrations import create_inbox, create_outbox

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "reporting"


def upgrade() -> None:
    # The chassis defines its tables; a service creates them, never copies their columns.
    create_outbox(op, SCHEMA)
    create_inbox(op, SCHEMA)


def downgrade() -> None:
    op.drop_table("inbox", schema=SCHEMA)
    op.drop_table("outbox", schema=SCHEMA)

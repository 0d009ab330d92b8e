"""Key dates of the cards saved before AccountKeyDatesChanged existed: every card is queued once
for the worker to publish its yearly dates (engagement plans care touches from them)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.create_table(
        "key_dates_republish",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
        schema=SCHEMA,
    )
    # Every card there is now; a card saved from here on publishes its own dates when they move.
    op.execute(
        f"INSERT INTO {SCHEMA}.key_dates_republish (account_id) "
        f"SELECT account_id FROM {SCHEMA}.cards"
    )


def downgrade() -> None:
    op.drop_table("key_dates_republish", schema=SCHEMA)

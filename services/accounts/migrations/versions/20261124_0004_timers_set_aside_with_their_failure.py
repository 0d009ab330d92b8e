"""Timers set aside: why a row that could not fire was taken out (failure)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("timers", sa.Column("failure", sa.Text()), schema="accounts")


def downgrade() -> None:
    op.drop_column("timers", "failure", schema="accounts")

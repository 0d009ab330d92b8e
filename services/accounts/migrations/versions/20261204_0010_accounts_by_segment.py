"""Accounts by segment: the account list's segment picker skips along an index

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_accounts_segment", "accounts", ["segment"], schema="accounts")


def downgrade() -> None:
    op.drop_index("ix_accounts_segment", "accounts", schema="accounts")

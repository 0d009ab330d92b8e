"""Accounts by manager: every read of a manager's or a team's scope filters on it

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_accounts_manager", "accounts", ["account_manager"], schema="accounts")


def downgrade() -> None:
    op.drop_index("ix_accounts_manager", "accounts", schema="accounts")

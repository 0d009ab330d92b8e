"""Each account's manager, kept from the accounts topic, so tickets are scoped by it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 23:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "complaints"


def upgrade() -> None:
    op.add_column("accounts", sa.Column("account_manager", sa.String(64)), schema=SCHEMA)
    op.create_index("ix_accounts_manager", "accounts", ["account_manager"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_accounts_manager", "accounts", schema=SCHEMA)
    op.drop_column("accounts", "account_manager", schema=SCHEMA)

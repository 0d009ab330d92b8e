"""Returns by customer: an evaluation reads an account's returns by its id, which without an
index scanned every return ever recorded (decision 0014)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def upgrade() -> None:
    op.create_index("ix_order_returns_customer", "order_returns", ["customer_id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_order_returns_customer", table_name="order_returns", schema=SCHEMA)

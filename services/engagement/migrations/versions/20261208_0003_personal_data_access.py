"""The personal-data access log (chassis.audit): every read and change of personal data.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 00:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

from chassis.migrations import create_access_log

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "engagement"


def upgrade() -> None:
    create_access_log(op, SCHEMA)


def downgrade() -> None:
    op.drop_table("personal_data_access", schema=SCHEMA)

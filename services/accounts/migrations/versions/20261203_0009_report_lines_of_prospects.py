"""A report line of an account that is still a prospect at the period's end has no grade and
no recommendation (a prospect is graded from its first order on): the columns take NULL

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


COLUMNS = {"grade": sa.String(1), "recommendation": sa.String(10)}


def upgrade() -> None:
    for column, kind in COLUMNS.items():
        op.alter_column(
            "evaluation_report_lines", column, existing_type=kind, nullable=True, schema=SCHEMA
        )


def downgrade() -> None:
    # A prospect's line cannot be stored without a grade: drop those lines.
    op.execute(f"DELETE FROM {SCHEMA}.evaluation_report_lines WHERE grade IS NULL")
    for column, kind in COLUMNS.items():
        op.alter_column(
            "evaluation_report_lines", column, existing_type=kind, nullable=False, schema=SCHEMA
        )

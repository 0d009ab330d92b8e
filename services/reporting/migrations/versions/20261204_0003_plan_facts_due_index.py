"""Plan facts by due day: a period's plan completion reads only the items due in it

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_plan_facts_due", "plan_facts", ["due_on"], schema="reporting")


def downgrade() -> None:
    op.drop_index("ix_plan_facts_due", "plan_facts", schema="reporting")

"""Account facts by value and plan facts by owner: a manager's dashboard reads the accounts
that ever had the manager and the items ever given to them

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 00:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_account_facts_value", "account_facts", ["attribute", "value"], schema="reporting"
    )
    op.create_index(
        "ix_plan_facts_owner_due", "plan_facts", ["owner", "due_on"], schema="reporting"
    )


def downgrade() -> None:
    op.drop_index("ix_plan_facts_owner_due", "plan_facts", schema="reporting")
    op.drop_index("ix_account_facts_value", "account_facts", schema="reporting")

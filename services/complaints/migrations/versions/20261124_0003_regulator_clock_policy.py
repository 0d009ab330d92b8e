"""The regulator clock: the active SLA policy gains the handbook's rule, as a new version

DOMAIN.md §3: a level-1 product-safety issue is reported to the regulator within 24 hours.
The active policy (the seeded one, or what an operator activated since) is copied as the next
version with that rule appended, and the copy is activated; open tickets keep their version.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 11:00:00.000000
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGULATOR_RULE = {
    "name": "product safety: report to the regulator",
    "severity": 1,
    "category": "product_quality",
    "tier": None,
    "vip": None,
    "targets": {"regulator": {"amount": 24, "unit": "hours", "calendar": None, "pausable": False}},
}


def upgrade() -> None:
    connection = op.get_bind()
    active = connection.execute(
        sa.text("SELECT version, document FROM complaints.sla_policies WHERE active")
    ).one_or_none()
    if active is None:
        return
    _, document = active
    if any("regulator" in rule["targets"] for rule in document["rules"]):
        return
    newer = {
        **document,
        "rules": [*document["rules"], REGULATOR_RULE],
        "note": f"{document.get('note', '')}; regulator clock (migration 0003)".lstrip("; "),
    }
    latest = connection.scalar(sa.text("SELECT max(version) FROM complaints.sla_policies"))
    connection.execute(sa.text("UPDATE complaints.sla_policies SET active = false"))
    connection.execute(
        sa.text(
            "INSERT INTO complaints.sla_policies (version, document, active, created_by) "
            "VALUES (:version, CAST(:document AS jsonb), true, 'migration')"
        ),
        {"version": latest + 1, "document": json.dumps(newer)},
    )


def downgrade() -> None:
    # Policy versions are history that tickets refer to; the added version stays.
    pass

"""Holidays named in English and Chinese; the default calendar gets China's 2026 and 2027 ones

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-08 00:30:00.000000
"""

import json
from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "complaints"

# Frozen here as published when this revision was written (engagement's default calendar holds
# the same days): each day of a block carries its holiday's name. 2026: the State Council's
# notice of 4 November 2025; 2027: the statutory days on 2027's lunar dates, its bridged days
# not yet published.
BLOCKS = (
    ("New Year's Day", "元旦", date(2026, 1, 1), 3),
    ("Spring Festival", "春节", date(2026, 2, 15), 9),
    ("Qingming Festival", "清明节", date(2026, 4, 4), 3),
    ("Labour Day", "劳动节", date(2026, 5, 1), 5),
    ("Dragon Boat Festival", "端午节", date(2026, 6, 19), 3),
    ("Mid-Autumn Festival", "中秋节", date(2026, 9, 25), 3),
    ("National Day", "国庆节", date(2026, 10, 1), 7),
    ("New Year's Day", "元旦", date(2027, 1, 1), 1),
    ("Spring Festival", "春节", date(2027, 2, 5), 4),
    ("Qingming Festival", "清明节", date(2027, 4, 5), 1),
    ("Labour Day", "劳动节", date(2027, 5, 1), 2),
    ("Dragon Boat Festival", "端午节", date(2027, 6, 9), 1),
    ("Mid-Autumn Festival", "中秋节", date(2027, 9, 15), 1),
    ("National Day", "国庆节", date(2027, 10, 1), 3),
)
CHINA_HOLIDAYS = [
    {"date": (first + timedelta(days=n)).isoformat(), "name": {"en": en, "zh": zh}}
    for en, zh, first, days in BLOCKS
    for n in range(days)
]


def upgrade() -> None:
    # A bare date (the first shape) becomes a holiday without a name.
    op.execute(
        f"""
        UPDATE {SCHEMA}.calendars SET holidays = (
            SELECT coalesce(jsonb_agg(
                CASE WHEN jsonb_typeof(h) = 'string'
                THEN jsonb_build_object('date', h, 'name', '{{"en": "", "zh": ""}}'::jsonb)
                ELSE h END ORDER BY position), '[]'::jsonb)
            FROM jsonb_array_elements(holidays) WITH ORDINALITY AS held(h, position)
        )
        """
    )
    # Only a default calendar no one has edited, with no clock counting on it: a running
    # clock's deadline is recounted when an administrator saves the calendar, not here.
    op.get_bind().execute(
        sa.text(
            f"""
            UPDATE {SCHEMA}.calendars
            SET holidays = CAST(:holidays AS jsonb), version = 2, updated_at = now()
            WHERE name = 'default' AND version = 1 AND updated_by = 'migration'
              AND holidays = '[]'::jsonb
              AND NOT EXISTS (
                  SELECT 1 FROM {SCHEMA}.ticket_clocks
                  WHERE calendar = 'default' AND state IN ('running', 'paused')
              )
            """
        ),
        {"holidays": json.dumps(CHINA_HOLIDAYS, ensure_ascii=False)},
    )


def downgrade() -> None:
    op.execute(
        f"""
        UPDATE {SCHEMA}.calendars SET holidays = '[]'::jsonb, version = 1
        WHERE name = 'default' AND version = 2 AND updated_by = 'migration'
        """
    )
    op.execute(
        f"""
        UPDATE {SCHEMA}.calendars SET holidays = (
            SELECT coalesce(jsonb_agg(h -> 'date' ORDER BY position), '[]'::jsonb)
            FROM jsonb_array_elements(holidays) WITH ORDINALITY AS held(h, position)
        )
        """
    )

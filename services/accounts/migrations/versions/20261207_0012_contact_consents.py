"""Consent to marketing contact as records with their history: the card's checkbox folded in

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "accounts"


def _strip_consent(table: str) -> None:
    """Drop `marketing_consent` from every contact of every stored card."""
    op.execute(
        f"UPDATE {SCHEMA}.{table} SET content = jsonb_set(content, '{{contacts}}', "
        "(SELECT coalesce(jsonb_agg(contact - 'marketing_consent'), '[]'::jsonb) "
        "FROM jsonb_array_elements(content -> 'contacts') AS contact)) "
        "WHERE jsonb_typeof(content -> 'contacts') = 'array'"
    )


def upgrade() -> None:
    op.create_table(
        "contact_consents",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["account_id"], [f"{SCHEMA}.accounts.account_id"]),
        sa.PrimaryKeyConstraint("id"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_contact_consents_contact",
        "contact_consents",
        ["account_id", "contact_id", "recorded_at"],
        schema=SCHEMA,
    )
    # A ticked checkbox on the current card was a consent given when the card was saved.
    op.execute(
        f"INSERT INTO {SCHEMA}.contact_consents "
        "(account_id, contact_id, state, channel, recorded_by, recorded_at, note) "
        "SELECT cards.account_id, contact ->> 'contact_id', 'given', 'card', cards.updated_by, "
        "cards.updated_at, 'from the card''s marketing consent box' "
        f"FROM {SCHEMA}.cards, jsonb_array_elements(cards.content -> 'contacts') AS contact "
        "WHERE (contact ->> 'marketing_consent')::boolean"
    )
    _strip_consent("cards")
    _strip_consent("card_versions")


def downgrade() -> None:
    op.drop_index("ix_contact_consents_contact", "contact_consents", schema=SCHEMA)
    op.drop_table("contact_consents", schema=SCHEMA)

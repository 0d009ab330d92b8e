"""The PostgreSQL upsert the repositories share."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import Insert, insert


def upsert_statement(table: Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]) -> Insert:
    """Insert the rows; a row whose keys exist updates the other columns it names."""
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(keys),
        set_={column: statement.excluded[column] for column in rows[0] if column not in keys},
    )

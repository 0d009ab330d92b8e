"""Bulk inserts of a batch through `unnest`: one array parameter a column, so a statement of
thousands of rows costs one small compiled statement and one round trip (a multi-row VALUES
of thousands of rows spends longer compiling than the database spends inserting)."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY, Insert, insert


def unnest_insert(table: Table, rows: Sequence[dict[str, Any]]) -> Insert:
    """INSERT INTO table (cols) SELECT unnest(col1[]), unnest(col2[]), ... ON CONFLICT DO
    NOTHING; every row has the same keys."""
    columns = [table.c[name] for name in rows[0]]
    arrays = [
        func.unnest(
            cast(
                bindparam(f"a_{column.name}", [row[column.name] for row in rows]),
                ARRAY(column.type),
            )
        )
        for column in columns
    ]
    return (
        insert(table)
        .from_select([column.name for column in columns], select(*arrays))
        .on_conflict_do_nothing()
    )

"""Whose accounts a query may see, in SQL: every read of customer records takes `managers`
(`accounts.domain.scope`) and puts it in its `WHERE`, so a record outside the scope is simply
not found (decision 0016)."""

from typing import Any

from sqlalchemy import ColumnElement, true

from accounts.domain.scope import Managers
from chassis.db import is_any_of


def managed_by(column: ColumnElement[Any], managers: Managers) -> ColumnElement[bool]:
    """`column` (an account manager) is one of `managers`; always true for None. Every read
    of customer records takes `managers` without a default: a new query cannot forget it."""
    return true() if managers is None else is_any_of(column, sorted(managers))

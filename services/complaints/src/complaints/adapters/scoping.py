"""Whose tickets a query may see, in SQL (decision 0016, complaints): every read of a ticket,
of the queue or of an account takes a `Visibility` without a default and puts it in its
`WHERE`, so a ticket outside it is simply not found."""

from sqlalchemy import ColumnElement, or_, select, true

from chassis.db import is_any_of
from complaints.adapters.tables import accounts, tickets
from complaints.domain.scope import Visibility


def tickets_visible(visibility: Visibility) -> ColumnElement[bool]:
    """The tickets of the scope's managers' accounts, the tickets assigned to its departments
    and, for a handler, the unassigned ones (customer service takes every new complaint in);
    and the tickets one opened or handles."""
    if visibility is None:
        return true()
    scope = visibility.scope
    conditions = [
        tickets.c.opened_by == visibility.staff_id,
        tickets.c.handler == visibility.staff_id,
    ]
    if scope.managers:
        managed = select(accounts.c.account_id).where(
            is_any_of(accounts.c.account_manager, sorted(scope.managers))
        )
        conditions.append(tickets.c.account_id.in_(managed))
    if scope.departments:
        conditions.append(is_any_of(tickets.c.department, sorted(scope.departments)))
        conditions.append(tickets.c.department.is_(None))
    return or_(*conditions)


def accounts_visible(visibility: Visibility) -> ColumnElement[bool]:
    """The accounts whose complaints one may take and read about: a handler any customer's
    (complaints come in from every customer), a manager or supervisor their accounts'."""
    if visibility is None or visibility.scope.departments:
        return true()
    return is_any_of(accounts.c.account_manager, sorted(visibility.scope.managers))

"""Whose accounts someone may see and change (decision 0016): the accounts of the managers in
their scope (a manager: their own; a supervisor: their team's), or every account (the admin,
and the service's own processes)."""

# The account managers' staff ids whose accounts are in scope; None: every account.
Managers = frozenset[str] | None

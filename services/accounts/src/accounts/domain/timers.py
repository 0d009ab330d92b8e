"""The accounts' durable timers: every kind and key in one place.

- `EVALUATE` (one per account, key `account:<id>`): the moment time alone changes something
  for the account.
- `ABC` (one, key `abc`): revenue moved somewhere, so every account's Pareto class is redone.
- `EVALUATE_ALL` (one, key `all`): every account is evaluated (after an upgrade, or when a
  signal feed starts).
"""

EVALUATE = "evaluate"
ABC = "abc"
EVALUATE_ALL = "evaluate_all"

ABC_KEY = "abc"
EVALUATE_ALL_KEY = "all"


def evaluation_key(account_id: str) -> str:
    return f"account:{account_id}"

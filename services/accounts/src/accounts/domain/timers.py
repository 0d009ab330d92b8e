"""The accounts' durable timers: every kind and key in one place.

- `EVALUATE` (one per account, key `account:<id>`): the moment time alone changes something
  for the account.
- `ABC` (one, key `abc`): revenue moved somewhere, so every account's Pareto class is redone.
- `EVALUATE_ALL` (one, key `all`): every account is evaluated (after an upgrade, or when a
  signal feed starts).
- `ERASE_DORMANT` (one, key `dormant`): the sweep that erases the contacts of accounts dormant
  for too long; each firing schedules the next (decision 0020).
"""

EVALUATE = "evaluate"
ABC = "abc"
EVALUATE_ALL = "evaluate_all"
ERASE_DORMANT = "erase_dormant"

ABC_KEY = "abc"
EVALUATE_ALL_KEY = "all"
ERASE_DORMANT_KEY = "dormant"


def evaluation_key(account_id: str) -> str:
    return f"account:{account_id}"

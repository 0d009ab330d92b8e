"""Registers each service's test fixtures (a pytest plugin next to its tests) for every test
folder: a service's own tests and the cross-service suites under tests/ use the same ones. The
broker, database, processes, front door and browser come from the `chassis.testing` plugin.
Importing the `contracts` package here keeps the test folder `contracts/tests` from shadowing it.
"""

import contracts  # noqa: F401

pytest_plugins = [
    "accounts_fixtures",
    "complaints_fixtures",
    "engagement_fixtures",
    "reporting_fixtures",
]

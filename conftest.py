"""Fixtures shared by every test folder: the real broker and database (chassis.testing)."""

pytest_plugins = ["chassis.testing"]

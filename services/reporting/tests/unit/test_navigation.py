"""The service's pages are in the site's navigation."""

from reporting.ui.navigation import NAVIGATION


def test_the_service_has_an_entry_under_its_own_prefix() -> None:
    assert [(entry.label, entry.href) for entry in NAVIGATION] == [("Reporting", "/reporting/")]

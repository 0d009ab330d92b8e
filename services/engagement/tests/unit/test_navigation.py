"""The service's pages are in the site's navigation."""

from engagement.ui.navigation import NAVIGATION


def test_the_service_has_its_entries_under_its_own_prefix() -> None:
    assert [(entry.label, entry.href) for entry in NAVIGATION] == [
        ("Plan", "/engagement/"),
        ("Team boards", "/engagement/boards/team/"),
    ]

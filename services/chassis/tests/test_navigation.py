"""The site's navigation comes from each installed service's registration, not from chassis."""

from pathlib import Path
from types import SimpleNamespace

from chassis.web import NavEntry, active_href, site_navigation, templates


def test_every_installed_service_registers_its_entries_in_service_order() -> None:
    assert site_navigation() == (
        NavEntry("Accounts", "/accounts/"),
        NavEntry("Complaints", "/complaints/"),
        NavEntry("SLA board", "/complaints/board"),
        NavEntry("Plan", "/engagement/"),
        NavEntry("Team boards", "/engagement/boards/team/"),
        NavEntry("Reporting", "/reporting/"),
    )


def test_a_page_belongs_to_the_longest_matching_entry() -> None:
    navigation = site_navigation()
    assert active_href("/complaints/board", navigation) == "/complaints/board"
    assert active_href("/complaints/tickets/CMP-1", navigation) == "/complaints/"
    assert active_href("/accounts/C-1/card", navigation) == "/accounts/"
    assert active_href("/engagement/boards/weekly/AM-1", navigation) == "/engagement/"
    assert active_href("/engagement/boards/team/east", navigation) == "/engagement/boards/team/"
    assert active_href("/api/docs", navigation) is None


def test_the_layout_links_every_entry_and_marks_the_current_one(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text('{% extends "base.html" %}')
    page = templates(tmp_path, static_prefix="/x/static").env.get_template("page.html")
    html = page.render(
        request=SimpleNamespace(
            url=SimpleNamespace(path="/complaints/board"), query_params={}, scope={}
        )
    )
    assert html.count('aria-current="page"') == 1
    assert '<a href="/complaints/board" class="active" aria-current="page">SLA board</a>' in html
    assert 'href="/accounts/"' in html and ">Accounts</a>" in html

"""Periods, the "as of" window and scopes."""

from datetime import UTC, date, datetime

import pytest

from chassis.errors import InvalidInput, NotFound
from reporting.domain.periods import months_of, parse_as_of, parse_period, period_of, window
from reporting.domain.scope import parse_scope


@pytest.mark.parametrize(
    ("text", "start", "end", "months"),
    [
        ("2026-11-20", date(2026, 11, 20), date(2026, 11, 21), 1),
        ("2026-W47", date(2026, 11, 16), date(2026, 11, 23), 1),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), 1),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), 3),
        ("2026-H1", date(2026, 1, 1), date(2026, 7, 1), 6),
        ("2026", date(2026, 1, 1), date(2027, 1, 1), 12),
    ],
)
def test_every_period_kind(text: str, start: date, end: date, months: int) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.months) == (start, end, months)


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "2026-W54", "2026-02-30", "26", "x"])
def test_a_bad_period_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_period(text)
    assert refused.value.code == "invalid_period"


def test_period_of_a_day() -> None:
    assert period_of("quarter", date(2026, 11, 20)).label == "2026-Q4"
    assert period_of("week", date(2026, 11, 20)).label == "2026-W47"
    assert [m.label for m in months_of(parse_period("2026-Q4"))] == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]


def test_the_window_is_cut_at_the_end_of_the_as_of_day() -> None:
    cut = window(parse_period("2026-11"), date(2026, 11, 20))
    assert cut.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert cut.end == cut.known == datetime(2026, 11, 21, tzinfo=UTC)
    past = window(parse_period("2026-10"), date(2026, 11, 20))
    assert past.end == datetime(2026, 11, 1, tzinfo=UTC)
    assert past.known == datetime(2026, 11, 21, tzinfo=UTC)


def test_as_of_is_a_past_or_present_date() -> None:
    today = date(2026, 12, 3)
    assert parse_as_of(None, today) == today
    assert parse_as_of("2026-11-30", today) == date(2026, 11, 30)
    for bad in ("2026-12-04", "yesterday"):
        with pytest.raises(InvalidInput) as refused:
            parse_as_of(bad, today)
        assert refused.value.code == "invalid_date"


def test_scopes() -> None:
    teams = {"east": ["AM-02", "AM-01"]}
    assert parse_scope("company", teams).kind == "company"
    assert parse_scope("manager:AM-01", teams).covers_manager("AM-01")
    team = parse_scope("team:east", teams)
    assert team.managers == ("AM-01", "AM-02")
    assert not team.covers_manager("AM-03")
    with pytest.raises(NotFound):
        parse_scope("team:west", teams)
    with pytest.raises(InvalidInput):
        parse_scope("region:east", teams)

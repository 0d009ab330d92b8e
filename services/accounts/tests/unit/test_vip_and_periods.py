"""VIP nomination rules and the periods of evaluation reports."""

from datetime import UTC, datetime

import pytest

from accounts.domain.periods import add_months, parse_period
from accounts.domain.vip import (
    Actor,
    Nomination,
    check_decision,
    check_nomination,
    check_revocation,
)
from chassis.errors import Conflict, Forbidden, InvalidInput

PENDING = Nomination(1, "C-1", "pending", "AM-01", "top customer")
SUPERVISOR = Actor("SUP-01", "supervisor")


def test_a_nomination_needs_a_reason_and_a_non_vip_account_without_one_pending() -> None:
    assert check_nomination(reason="  top 3 by sales  ", is_vip=False, has_pending=False) == (
        "top 3 by sales"
    )
    with pytest.raises(InvalidInput):
        check_nomination(reason=" ", is_vip=False, has_pending=False)
    with pytest.raises(Conflict, match="already a VIP"):
        check_nomination(reason="x", is_vip=True, has_pending=False)
    with pytest.raises(Conflict, match="pending"):
        check_nomination(reason="x", is_vip=False, has_pending=True)


def test_only_a_supervisor_other_than_the_nominator_decides() -> None:
    assert check_decision(nomination=PENDING, actor=SUPERVISOR, approve=True, note="") == ""
    with pytest.raises(Forbidden, match="only a supervisor"):
        check_decision(nomination=PENDING, actor=Actor("AM-02", "manager"), approve=True, note="")
    with pytest.raises(Forbidden, match="other than its nominator"):
        check_decision(
            nomination=PENDING, actor=Actor("AM-01", "supervisor"), approve=True, note=""
        )


def test_a_rejection_needs_a_note_and_a_decided_nomination_stays_decided() -> None:
    with pytest.raises(InvalidInput):
        check_decision(nomination=PENDING, actor=SUPERVISOR, approve=False, note="")
    decided = Nomination(1, "C-1", "approved", "AM-01", "r")
    with pytest.raises(Conflict, match="already approved"):
        check_decision(nomination=decided, actor=SUPERVISOR, approve=False, note="no")


def test_revoking_needs_a_supervisor_a_reason_and_a_vip() -> None:
    assert check_revocation(actor=SUPERVISOR, is_vip=True, reason="left us") == "left us"
    with pytest.raises(Forbidden):
        check_revocation(actor=Actor("AM-01", "manager"), is_vip=True, reason="x")
    with pytest.raises(Conflict):
        check_revocation(actor=SUPERVISOR, is_vip=False, reason="x")


@pytest.mark.parametrize(
    ("label", "kind", "start", "end"),
    [
        ("2026-Q1", "quarter", (2026, 1, 1), (2026, 4, 1)),
        ("2026-Q4", "quarter", (2026, 10, 1), (2027, 1, 1)),
        ("2026-H2", "half_year", (2026, 7, 1), (2027, 1, 1)),
        ("2026", "year", (2026, 1, 1), (2027, 1, 1)),
    ],
)
def test_periods(
    label: str, kind: str, start: tuple[int, int, int], end: tuple[int, int, int]
) -> None:
    period = parse_period(label)
    assert (period.label, period.kind) == (label, kind)
    assert period.start == datetime(*start, tzinfo=UTC)
    assert period.end == datetime(*end, tzinfo=UTC)


@pytest.mark.parametrize("label", ["2026-Q5", "2026-H3", "26", "Q1-2026", "1899"])
def test_bad_periods_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        parse_period(label)


def test_add_months_keeps_the_day_or_takes_the_last_one() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2024, 2, 29, tzinfo=UTC), 12) == datetime(2025, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 3, 15, tzinfo=UTC), -3) == datetime(2025, 12, 15, tzinfo=UTC)

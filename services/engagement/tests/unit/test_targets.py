"""A monthly target split over the days of China's calendar, to the cent, and progress."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from engagement.domain.calendar import WorkingCalendar, china_calendar
from engagement.domain.targets import DayWeights, days_of_month, progress, split_month

CENT = Decimal("0.01")


def split(month: date, amount: str, weights: DayWeights | None = None) -> dict[date, Decimal]:
    return split_month(
        month=month,
        amount=Decimal(amount),
        calendar=china_calendar(),
        weights=weights or DayWeights(),
    )


def test_february_2026_skips_the_spring_festival_and_counts_its_make_up_saturdays() -> None:
    shares = split(date(2026, 2, 1), "100000.00")
    carrying = sorted(day for day, amount in shares.items() if amount)
    # 20 weekdays, 6 of them holidays, and Saturdays 14 and 28 February worked: 16 days.
    assert len(carrying) == 16
    assert date(2026, 2, 14) in carrying and date(2026, 2, 28) in carrying
    assert not any(shares[date(2026, 2, 15) + timedelta(days=n)] for n in range(9))
    assert {shares[day] for day in carrying} == {Decimal("6250.00")}
    assert sum(shares.values()) == Decimal("100000.00")


def test_weekend_weights_apply_to_ordinary_weekends_only() -> None:
    weights = DayWeights(saturday=Decimal("0.5"), sunday=Decimal("0.25"))
    # October 2026: 18 working days, 3 ordinary Saturdays and 3 ordinary Sundays: 20.25 shares.
    shares = split(date(2026, 10, 1), "20250.00", weights)
    assert shares[date(2026, 10, 16)] == Decimal("1000.00")  # a Friday
    assert shares[date(2026, 10, 10)] == Decimal("1000.00")  # the make-up Saturday
    assert shares[date(2026, 10, 17)] == Decimal("500.00")
    assert shares[date(2026, 10, 18)] == Decimal("250.00")
    assert shares[date(2026, 10, 3)] == shares[date(2026, 10, 4)] == 0  # inside National Day
    assert sum(shares.values()) == Decimal("20250.00")


@pytest.mark.parametrize("amount", ["100.00", "0.15", "99999.99", "1234567.89", "0.00"])
@pytest.mark.parametrize("month", [date(2026, 2, 1), date(2026, 10, 1), date(2027, 1, 1)])
def test_the_split_sums_exactly_to_the_target_in_cents_with_nothing_negative(
    amount: str, month: date
) -> None:
    shares = split(month, amount)
    assert sum(shares.values()) == Decimal(amount)
    assert all(share >= 0 and share == share.quantize(CENT) for share in shares.values())
    # Working days differ by a cent at most; the others carry nothing.
    working = [shares[d] for d in shares if china_calendar().is_working_day(d)]
    assert max(working) - min(working) <= CENT
    assert not any(shares[d] for d in shares if not china_calendar().is_working_day(d))


def test_the_cents_left_by_rounding_go_to_the_earliest_working_days() -> None:
    shares = split(date(2026, 10, 1), "100.00")
    # 18 working days: 5.55 each, and the 10 cents left one each to the first ten.
    working = sorted(d for d in shares if shares[d])
    assert [shares[d] for d in working] == [Decimal("5.56")] * 10 + [Decimal("5.55")] * 8


def test_a_month_where_no_day_carries_weight_is_split_evenly() -> None:
    shares = split_month(
        month=date(2026, 12, 1),
        amount=Decimal("31.00"),
        calendar=WorkingCalendar(frozenset()),
        weights=DayWeights(weekday=Decimal(0)),
    )
    assert set(shares.values()) == {Decimal("1.00")}


def test_any_day_names_its_month() -> None:
    assert split(date(2026, 2, 17), "16.00") == split(date(2026, 2, 1), "16.00")
    assert len(days_of_month(date(2028, 2, 10))) == 29


def test_a_negative_target_or_weight_is_refused() -> None:
    with pytest.raises(ValueError):
        split(date(2026, 2, 1), "-1.00")
    with pytest.raises(ValueError):
        DayWeights(saturday=Decimal(-1))


def test_progress_by_day_week_month_to_date_and_month() -> None:
    shares = split(date(2026, 12, 1), "23000.00")  # 23 working days: 1000.00 each
    figures = progress(
        split=shares,
        actuals_by_day={date(2026, 12, 1): Decimal("500"), date(2026, 12, 2): Decimal("1500")},
        today=date(2026, 12, 2),
    )
    assert (figures["day"].target, figures["day"].actual) == (Decimal("1000.00"), Decimal("1500"))
    # The week began on Monday 30 November: its December part is four working days, and its
    # actuals count up to today.
    assert (figures["week"].target, figures["week"].actual) == (
        Decimal("4000.00"),
        Decimal("2000"),
    )
    assert figures["month_to_date"].share == 1.0
    assert figures["month"].target == Decimal("23000.00")


def test_progress_without_a_target_has_no_share() -> None:
    figures = progress(split={}, actuals_by_day={}, today=date(2026, 12, 2))
    assert figures["month"].share is None

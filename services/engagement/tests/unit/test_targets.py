"""A monthly target split over the working days of China's calendar, to the cent."""

from datetime import date
from decimal import Decimal

from engagement.domain.calendar import china_calendar
from engagement.domain.targets import DayWeights, progress, split_month, week_totals


def test_october_2026_skips_national_day_and_counts_its_make_up_saturday() -> None:
    split = split_month(
        month=date(2026, 10, 1),
        amount=Decimal("100000.00"),
        calendar=china_calendar(),
        weights=DayWeights(),
    )
    carrying = [day for day, amount in split.items() if amount > 0]
    # 22 weekdays, 5 of them (1-2, 5-7 October) holidays, plus Saturday 10 October worked.
    assert len(carrying) == 18
    assert date(2026, 10, 10) in carrying and date(2026, 10, 5) not in carrying
    assert sum(split.values()) == Decimal("100000.00")
    assert all(amount == amount.quantize(Decimal("0.01")) for amount in split.values())


def test_weekend_weights_give_saturdays_a_share() -> None:
    weights = DayWeights(saturday=Decimal("0.5"))
    split = split_month(
        month=date(2026, 12, 1), amount=Decimal("27000"), calendar=china_calendar(), weights=weights
    )
    # December 2026: 23 weekdays and 4 Saturdays at half weight: 25 weekday shares.
    assert split[date(2026, 12, 1)] == Decimal("1080.00")
    assert split[date(2026, 12, 5)] == Decimal("540.00")
    assert split[date(2026, 12, 6)] == Decimal("0.00")
    assert sum(split.values()) == Decimal("27000")


def test_a_remainder_lands_on_a_working_day() -> None:
    split = split_month(
        month=date(2027, 1, 1),
        amount=Decimal("100.00"),
        calendar=china_calendar(),
        weights=DayWeights(),
    )
    assert split[date(2027, 1, 31)] == Decimal("0.00")  # a Sunday
    assert sum(split.values()) == Decimal("100.00")


def test_progress_by_day_week_and_month() -> None:
    split = split_month(
        month=date(2026, 12, 1),
        amount=Decimal("23000"),
        calendar=china_calendar(),
        weights=DayWeights(),
    )
    figures = progress(
        split=split,
        actuals_by_day={date(2026, 12, 1): Decimal("500"), date(2026, 12, 2): Decimal("1500")},
        today=date(2026, 12, 2),
    )
    assert (figures["day"].target, figures["day"].actual) == (Decimal("1000.00"), Decimal("1500"))
    # The week began on 30 November: its December part is four working days.
    assert figures["week"].target == Decimal("4000.00")
    assert figures["month_to_date"].share == 1.0
    assert week_totals(split)[date(2026, 11, 30)] == Decimal("4000.00")

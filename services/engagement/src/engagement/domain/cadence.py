"""Cadence by tier: the days each tier is visited, and how a re-plan meets them (decision 0013)."""

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

Tier = Literal["vip", "A", "B", "C", "D"]
TIERS: tuple[Tier, ...] = ("vip", "A", "B", "C", "D")


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Interval:
    weeks: int = 0
    months: int = 0

    def after(self, day: date) -> date:
        return _add_months(day, self.months) + timedelta(weeks=self.weeks)

    def days_hint(self) -> int:
        return self.weeks * 7 + self.months * 30


@dataclass(frozen=True)
class CadencePolicy:
    version: int
    intervals: Mapping[Tier, Interval]
    window_days: Mapping[Tier, int]
    horizon_weeks: int = 8

    @classmethod
    def from_data(cls, version: int, data: Mapping[str, Any]) -> "CadencePolicy":
        return cls(
            version=version,
            intervals={t: Interval(**data["intervals"][t]) for t in TIERS},
            window_days={t: int(data["window_days"][t]) for t in TIERS},
            horizon_weeks=int(data.get("horizon_weeks", 8)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "intervals": {
                t: {"weeks": i.weeks, "months": i.months} for t, i in self.intervals.items()
            },
            "window_days": dict(self.window_days),
            "horizon_weeks": self.horizon_weeks,
        }


DEFAULT_POLICY = CadencePolicy(
    version=1,
    intervals={
        "vip": Interval(weeks=1),
        "A": Interval(weeks=2),
        "B": Interval(months=1),
        "C": Interval(months=3),
        "D": Interval(months=6),
    },
    window_days={"vip": 2, "A": 4, "B": 7, "C": 14, "D": 30},
)


def tier_of(*, grade: str | None, vip: bool) -> Tier | None:
    if vip:
        return "vip"
    return grade if grade in ("A", "B", "C", "D") else None  # type: ignore[return-value]


def cadence_dates(
    *, policy: CadencePolicy, tier: Tier, account_id: str, last_done: date | None, today: date
) -> list[date]:
    interval = policy.intervals[tier]
    end = today + timedelta(weeks=policy.horizon_weeks)
    if last_done is None:
        spread = int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % interval.days_hint()
        day = today + timedelta(days=spread)
    else:
        day = max(interval.after(last_done), today)
    days = []
    while day <= end:
        days.append(day)
        day = interval.after(day)
    return days


@dataclass(frozen=True)
class OpenCadenceItem:
    item_id: str
    due_on: date
    # Confirmed, or moved to a day someone chose: a re-plan keeps it where it is.
    held: bool


@dataclass(frozen=True)
class Replan:
    cancel: tuple[str, ...]
    keep: tuple[str, ...]
    add: tuple[date, ...]


def replan(
    *,
    open_items: Sequence[OpenCadenceItem],
    wanted: Sequence[date],
    declined: Collection[date] = (),
    slot_days: int = 0,
) -> Replan:
    """What to cancel, keep and add so the open cadence visits match the `wanted` days.

    A held item is kept and stands for the wanted day nearest to it within `slot_days` (a
    visit the customer moved by a few days is still that period's visit). Any other item is kept
    only on a wanted day. A wanted day the customer `declined` (a cancelled cadence visit due
    that day) is not planned again: the next period's visit follows as usual."""
    remaining = [day for day in wanted if day not in declined]
    cancel, keep = [], []
    for item in sorted(open_items, key=lambda i: not i.held):
        if item.held:
            keep.append(item.item_id)
            near = [day for day in remaining if abs((day - item.due_on).days) <= slot_days]
            if near:
                remaining.remove(min(near, key=lambda day: abs((day - item.due_on).days)))
        elif item.due_on in remaining:
            keep.append(item.item_id)
            remaining.remove(item.due_on)
        else:
            cancel.append(item.item_id)
    return Replan(tuple(cancel), tuple(keep), tuple(remaining))


def merge_into_visit(*, cadence_due: date, other_visit_due: date) -> bool:
    return cadence_due.isocalendar()[:2] == other_visit_due.isocalendar()[:2]

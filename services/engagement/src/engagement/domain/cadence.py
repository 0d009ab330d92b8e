"""Cadence by tier: how often each tier is visited, and what a re-plan of an account's cadence
visits keeps, cancels and adds (decision 0013).

Each cadence visit is due one interval after the account's previous visit. The count starts at
the last done visit (planned or not; a never-visited account at a day spread over its first
interval) and goes on through the cadence visits after it that were agreed (confirmed, or moved
to a day someone chose), missed, or declined by the customer: each was that period's visit, and
one on another day than the count's restarts the count from its day. When the count is behind
(its day is past and no visit is planned for it), the next visit is due today. Visits are
planned up to a rolling horizon, but nothing new before an agreed or declined visit to come:
the plan up to it is what people agreed. Another visit in the same ISO week stands in for a
cadence visit (`stand_in`).

`replan` is pure: it sees the account's open and missed items and returns the decision, which
`service_layer/planning.py` applies.
"""

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, NamedTuple, get_args

from chassis import errors
from chassis.messages import _
from engagement.domain.accounts import Tier
from engagement.domain.calendar import add_months
from engagement.domain.plan import ItemState, PlanItem

TIERS: tuple[Tier, ...] = get_args(Tier)
# Open cadence visits a person fixed: a re-plan never moves or cancels them.
AGREED_STATES: tuple[ItemState, ...] = ("confirmed", "rescheduled")


class InvalidPolicy(errors.InvalidInput):
    code = "invalid_policy"


@dataclass(frozen=True)
class Interval:
    """Calendar weeks and months between two visits (months first: 31 January + 1 month is
    the last day of February)."""

    weeks: int = 0
    months: int = 0

    def after(self, day: date, times: int = 1) -> date:
        """The day `times` intervals after `day`, counted from `day` (so 31 January + 2
        months is 31 March, not 28 March)."""
        return add_months(day, self.months * times) + timedelta(weeks=self.weeks * times)

    @property
    def nominal_days(self) -> int:
        """Its length in days, a month counting 30."""
        return self.weeks * 7 + self.months * 30

    @property
    def shortest_days(self) -> int:
        """Its length in days when its months are the shortest (28 days)."""
        return self.weeks * 7 + self.months * 28


@dataclass(frozen=True)
class CadencePolicy:
    """A version of the cadence: the interval and the on-time window (days after the due day)
    of each tier, and how far ahead visits are planned."""

    version: int
    intervals: Mapping[Tier, Interval]
    window_days: Mapping[Tier, int]
    horizon_weeks: int = 8

    def __post_init__(self) -> None:
        problems = []
        for tier in TIERS:
            interval = self.intervals.get(tier)
            window = self.window_days.get(tier)
            if interval is None or window is None:
                problems.append(
                    errors.Problem(tier, _("every tier needs an interval and a window"))
                )
            elif interval.weeks < 0 or interval.months < 0 or interval.nominal_days == 0:
                problems.append(errors.Problem(f"intervals.{tier}", _("needs weeks or months")))
            elif not 0 <= window < interval.shortest_days:
                # Otherwise a visit would still be on time when the next one is due.
                problems.append(
                    errors.Problem(
                        f"window_days.{tier}",
                        _("must be 0 to %(most)s, shorter than the interval")
                        % {"most": interval.shortest_days - 1},
                    )
                )
        if self.horizon_weeks < 1:
            problems.append(errors.Problem("horizon_weeks", _("must be at least 1")))
        if problems:
            raise InvalidPolicy(
                _("invalid cadence policy: %(field)s: %(problem)s")
                % {"field": problems[0].field, "problem": problems[0].message},
                details=problems,
            )

    @classmethod
    def from_data(cls, version: int, data: Mapping[str, Any]) -> "CadencePolicy":
        """The policy stored (or drafted) as `data`, e.g. `{"intervals": {"vip": {"weeks":
        1}, ...}, "window_days": {"vip": 2, ...}, "horizon_weeks": 8}`."""
        intervals = data.get("intervals", {})
        window_days = data.get("window_days", {})
        return cls(
            version=version,
            intervals={
                tier: Interval(
                    weeks=int(intervals[tier].get("weeks", 0)),
                    months=int(intervals[tier].get("months", 0)),
                )
                for tier in TIERS
                if tier in intervals
            },
            window_days={tier: int(window_days[tier]) for tier in TIERS if tier in window_days},
            horizon_weeks=int(data.get("horizon_weeks", 8)),
        )

    def to_data(self) -> dict[str, Any]:
        return {
            "intervals": {
                tier: {"weeks": interval.weeks, "months": interval.months}
                for tier, interval in self.intervals.items()
            },
            "window_days": dict(self.window_days),
            "horizon_weeks": self.horizon_weeks,
        }

    def horizon_end(self, today: date) -> date:
        """The last day visits are planned on, as of today."""
        return today + timedelta(weeks=self.horizon_weeks)

    def longest_interval_days(self) -> int:
        """An upper bound of any tier's interval in days (31-day months)."""
        return max(i.weeks * 7 + i.months * 31 for i in self.intervals.values())


# The handbook's defaults: VIP weekly, A every 2 weeks, B monthly, C quarterly, D half-yearly.
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


def spread_days(account_id: str, span: int) -> int:
    """A day offset in `0..span-1` fixed by the account id: never-visited accounts start on
    days spread over their first interval, not all on one day."""
    return int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % span


def stand_in(cadence_due: date, items: Sequence[PlanItem]) -> PlanItem | None:
    """The merge rule: another open visit (a retention visit, a next step, a manual visit: kind
    "visit", not a call or follow-up) due in the same ISO week, Monday to Sunday, stands in for
    a cadence visit due on `cadence_due`."""
    week = cadence_due.isocalendar()[:2]
    return next(
        (
            item
            for item in items
            if item.kind == "visit"
            and item.origin != "cadence"
            and item.is_open
            and item.due_on.isocalendar()[:2] == week
        ),
        None,
    )


class Slot(NamedTuple):
    """A day the cadence wants a visit on. Before an agreed or declined visit to come, only a
    visit planned on the day already is kept (`open_to_new` False)."""

    day: date
    open_to_new: bool


class CadenceVisit(NamedTuple):
    """A cadence visit to plan."""

    due_on: date
    window_end: date


@dataclass(frozen=True)
class Cancellation:
    item_id: str
    reason: Literal["replanned", "merged"]
    # The visit that stands in for a merged one.
    replaced_by: str | None = None


@dataclass(frozen=True)
class Replan:
    keep: tuple[str, ...]
    cancel: tuple[Cancellation, ...]
    add: tuple[CadenceVisit, ...]
    # When the next cadence day beyond the horizon enters it (the plan's next upkeep at the
    # latest); None without a tier.
    next_entry: date | None


def cadence_slots(
    *,
    policy: CadencePolicy,
    tier: Tier,
    account_id: str,
    today: date,
    last_done: date | None,
    fixed: Collection[date] = (),
    open_days: Collection[date] = (),
) -> tuple[list[Slot], date]:
    """The days the cadence wants visits on up to the horizon, and its first day beyond.

    `fixed` are the days of the cadence visits that were agreed, missed or declined by the
    customer, `open_days` the days of the open cadence visits (agreed or not)."""
    interval = policy.intervals[tier]
    end = policy.horizon_end(today)
    after_done = sorted(day for day in fixed if last_done is None or day > last_done)
    past = [day for day in after_done if day < today]
    coming = [day for day in after_done if day >= today]
    # The cadence counts `step` intervals from `anchor`.
    if last_done is not None:
        anchor, step = last_done, 1
    elif past:
        anchor, step = past.pop(0), 1
    else:
        # Never visited: from a day spread over the first interval (inside the horizon), or
        # the first visit planned already, so the day does not move on with `today`.
        span = min(interval.nominal_days, policy.horizon_weeks * 7)
        spread = today + timedelta(days=spread_days(account_id, span))
        anchor, step = min([spread, *open_days]), 0
    slots: list[Slot] = []

    def count_on(fixed_day: date, open_to_new: bool) -> None:
        nonlocal anchor, step
        while interval.after(anchor, step + 1) <= fixed_day and interval.after(anchor, step) <= end:
            slots.append(Slot(interval.after(anchor, step), open_to_new))
            step += 1
        if fixed_day == interval.after(anchor, step):
            step += 1
        else:
            anchor, step = fixed_day, 1

    for fixed_day in past:
        count_on(fixed_day, open_to_new=True)
    due = interval.after(anchor, step)
    if due < today and due not in open_days:
        # Behind: the next visit is due today, or is the one planned for that already.
        anchor, step = min([today, *(day for day in open_days if day > due)]), 0
    for fixed_day in coming:
        count_on(fixed_day, open_to_new=False)
    while (day := interval.after(anchor, step)) <= end:
        slots.append(Slot(day, open_to_new=True))
        step += 1
    return slots, day


def replan(
    *,
    policy: CadencePolicy,
    tier: Tier | None,
    account_id: str,
    today: date,
    last_done: date | None,
    items: Sequence[PlanItem],
    declined: Collection[date] = (),
) -> Replan:
    """What to do with an account's cadence visits as of today.

    `items` are the account's open and missed items (every origin: other visits may stand in
    for a cadence visit), `declined` the days of cadence visits the customer cancelled. Agreed
    visits are kept; a planned one is kept on a wanted day, cancelled as `merged` when another
    visit of its week stands in for it, else as `replanned`; the wanted days left are added.
    Without a tier nothing is wanted."""
    cadence = [item for item in items if item.origin == "cadence"]
    agreed = [item for item in cadence if item.state in AGREED_STATES]
    planned = sorted(
        (item for item in cadence if item.state == "planned"), key=lambda i: (i.due_on, i.item_id)
    )
    slots: list[Slot] = []
    next_entry = None
    if tier is not None:
        # An agreed visit, a missed one and one the customer declined each was (or will be)
        # that period's visit.
        missed = [item.due_on for item in cadence if item.state == "missed"]
        fixed = [item.due_on for item in agreed] + missed + list(declined)
        slots, beyond = cadence_slots(
            policy=policy,
            tier=tier,
            account_id=account_id,
            today=today,
            last_done=last_done,
            fixed=fixed,
            open_days=[item.due_on for item in (*agreed, *planned)],
        )
        next_entry = max(today + timedelta(days=1), beyond - timedelta(weeks=policy.horizon_weeks))
    free = {slot.day: slot for slot in slots if stand_in(slot.day, items) is None}
    keep = [item.item_id for item in agreed]
    cancel = []
    for item in planned:
        if free.pop(item.due_on, None) is not None:
            keep.append(item.item_id)
            continue
        other = stand_in(item.due_on, items)
        cancel.append(
            Cancellation(item.item_id, "merged", other.item_id)
            if other is not None
            else Cancellation(item.item_id, "replanned")
        )
    add = []
    if tier is not None:
        window = timedelta(days=policy.window_days[tier])
        add = [
            CadenceVisit(slot.day, slot.day + window)
            for slot in free.values()
            if slot.open_to_new and slot.day >= today
        ]
    return Replan(tuple(keep), tuple(cancel), tuple(add), next_entry)

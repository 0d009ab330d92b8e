"""SLA policies: versioned data that gives each clock of a ticket its target.

A policy is an ordered list of rules. A rule matches tickets by severity, category, account
tier and VIP status (an absent criterion matches anything) and names targets for some clocks.
Rules apply in order, so a later matching rule overrides the targets an earlier one set: put
the general rule first and the special cases (VIP, severity 1, returns) after it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from chassis.messages import _, ngettext
from complaints.domain.calendar import BusinessCalendar, TimeMeasure
from complaints.domain.errors import InvalidInput

ClockName = Literal[
    "respond",
    "confirm",
    "resolve",
    "feedback",
    "return_review",
    "replacement",
    "refund",
    "regulator",
]
CLOCK_NAMES: tuple[ClockName, ...] = get_args(ClockName)
Unit = Literal["seconds", "minutes", "hours", "days", "working_days"]
UNITS: tuple[Unit, ...] = get_args(Unit)
Category = Literal["product_quality", "delivery", "price", "service", "billing", "returns"]
CATEGORIES: tuple[Category, ...] = get_args(Category)
Tier = Literal["high", "medium", "low"]
TIERS: tuple[Tier, ...] = get_args(Tier)
DEFAULT_WARNING_THRESHOLDS = (75, 90)


@dataclass(frozen=True)
class ClockTarget:
    """How long a clock may run: an amount of a unit, on wall time or on a calendar's hours."""

    amount: int
    unit: Unit
    calendar: str | None = None
    pausable: bool = False

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidInput(_("a target amount must be positive"))
        if self.unit not in UNITS:
            raise InvalidInput(
                _("unknown unit %(unit)r; use one of %(units)s")
                % {"unit": self.unit, "units": ", ".join(UNITS)}
            )
        if self.unit == "working_days" and self.calendar is None:
            raise InvalidInput(_("a target in working days needs a calendar"))

    def budget(self, start: datetime, measure: TimeMeasure) -> timedelta:
        """The measured time the clock may use, fixed when it starts."""
        if self.unit == "working_days":
            if not isinstance(measure, BusinessCalendar):
                raise InvalidInput(_("a target in working days needs a calendar"))
            return measure.elapsed(start, measure.add_working_days(start, self.amount))
        per_unit = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}[self.unit]
        return timedelta(seconds=self.amount * per_unit)

    def describe(self) -> str:
        """`15 minutes (wall time)`, `1 working day of calendar default, pausable`, in the
        reader's language."""
        amount = {
            "seconds": ngettext("%(amount)s second", "%(amount)s seconds", self.amount),
            "minutes": ngettext("%(amount)s minute", "%(amount)s minutes", self.amount),
            "hours": ngettext("%(amount)s hour", "%(amount)s hours", self.amount),
            "days": ngettext("%(amount)s day", "%(amount)s days", self.amount),
            "working_days": ngettext(
                "%(amount)s working day", "%(amount)s working days", self.amount
            ),
        }[self.unit] % {"amount": self.amount}
        described = (
            _("%(amount)s of calendar %(calendar)s") % {"amount": amount, "calendar": self.calendar}
            if self.calendar
            else _("%(amount)s (wall time)") % {"amount": amount}
        )
        return _("%(target)s, pausable") % {"target": described} if self.pausable else described


@dataclass(frozen=True)
class TicketProfile:
    """What a policy looks at to pick targets."""

    severity: int
    category: Category
    tier: Tier | None
    vip: bool


@dataclass(frozen=True)
class PolicyRule:
    targets: Mapping[ClockName, ClockTarget]
    severity: int | None = None
    category: Category | None = None
    tier: Tier | None = None
    vip: bool | None = None
    name: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.targets) - set(CLOCK_NAMES)
        if unknown:
            raise InvalidInput(
                _("unknown clocks %(clocks)s; use %(known)s")
                % {"clocks": sorted(unknown), "known": ", ".join(CLOCK_NAMES)}
            )
        if self.severity is not None and self.severity not in (1, 2, 3):
            raise InvalidInput(_("severity must be 1, 2 or 3"))
        if self.category is not None and self.category not in CATEGORIES:
            raise InvalidInput(_("unknown category %(category)r") % {"category": self.category})
        if self.tier is not None and self.tier not in TIERS:
            raise InvalidInput(_("unknown tier %(tier)r") % {"tier": self.tier})

    def matches(self, profile: TicketProfile) -> bool:
        return (
            (self.severity is None or self.severity == profile.severity)
            and (self.category is None or self.category == profile.category)
            and (self.tier is None or self.tier == profile.tier)
            and (self.vip is None or self.vip == profile.vip)
        )


@dataclass(frozen=True)
class SlaPolicy:
    version: int
    rules: tuple[PolicyRule, ...]
    warning_thresholds: tuple[int, ...] = DEFAULT_WARNING_THRESHOLDS
    note: str = ""

    def __post_init__(self) -> None:
        thresholds = self.warning_thresholds
        if any(not 0 < t < 100 for t in thresholds) or list(thresholds) != sorted(set(thresholds)):
            raise InvalidInput(
                _("warning thresholds must be increasing percentages between 1 and 99")
            )
        if not self.rules:
            raise InvalidInput(_("a policy needs at least one rule"))

    def targets_for(self, profile: TicketProfile) -> dict[ClockName, ClockTarget]:
        """Every clock the ticket gets, with its target; later matching rules win."""
        targets: dict[ClockName, ClockTarget] = {}
        for rule in self.rules:
            if rule.matches(profile):
                targets.update(rule.targets)
        return targets

    def calendars(self) -> set[str]:
        return {
            target.calendar
            for rule in self.rules
            for target in rule.targets.values()
            if target.calendar is not None
        }


def _hours(amount: int, *, pausable: bool = False, calendar: str | None = "default") -> ClockTarget:
    return ClockTarget(amount, "hours", calendar, pausable)


def default_policy(version: int = 1) -> SlaPolicy:
    """DOMAIN.md §3: respond 15 min, confirm 1 h, resolve 24 h (48 h major), feedback 48 h,
    returns review 24 h, replacement 15 working days, refund 7 days; a severity-1 product
    quality (safety) issue reported to the regulator within 24 h; VIP shorter.

    Ordinary tickets count business hours of the `default` calendar; severity 1 (safety or a
    major loss) runs on wall time, nights and holidays included.
    """
    return SlaPolicy(
        version=version,
        note="handbook targets",
        rules=(
            PolicyRule(
                name="every ticket",
                targets={
                    "respond": ClockTarget(15, "minutes", "default"),
                    "confirm": _hours(1),
                    "resolve": _hours(24, pausable=True),
                    "feedback": _hours(48, pausable=True),
                },
            ),
            PolicyRule(
                name="returns",
                category="returns",
                targets={
                    "return_review": _hours(24),
                    "replacement": ClockTarget(15, "working_days", "default"),
                    "refund": ClockTarget(7, "days"),
                },
            ),
            PolicyRule(
                name="major: severity 1 on wall time",
                severity=1,
                targets={
                    "respond": ClockTarget(15, "minutes"),
                    "confirm": ClockTarget(1, "hours"),
                    "resolve": ClockTarget(48, "hours", pausable=True),
                },
            ),
            PolicyRule(
                name="product safety: report to the regulator",
                severity=1,
                category="product_quality",
                targets={"regulator": ClockTarget(24, "hours")},
            ),
            PolicyRule(
                name="high-value accounts",
                tier="high",
                targets={"respond": ClockTarget(10, "minutes", "default")},
            ),
            PolicyRule(
                name="VIP priority",
                vip=True,
                targets={
                    "respond": ClockTarget(5, "minutes"),
                    "confirm": ClockTarget(30, "minutes"),
                    "feedback": _hours(24, pausable=True),
                },
            ),
            PolicyRule(
                name="VIP ordinary resolve",
                vip=True,
                severity=2,
                targets={"resolve": _hours(12, pausable=True)},
            ),
            PolicyRule(
                name="VIP minor resolve",
                vip=True,
                severity=3,
                targets={"resolve": _hours(12, pausable=True)},
            ),
            PolicyRule(
                name="VIP major resolve",
                vip=True,
                severity=1,
                targets={"resolve": ClockTarget(24, "hours", pausable=True)},
            ),
        ),
    )

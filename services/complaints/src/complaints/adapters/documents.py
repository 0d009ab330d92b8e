"""Calendars and policies as JSON documents (stored, and sent over the API) <-> domain objects."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from chassis.messages import _
from complaints.domain.calendar import WEEKDAYS, BusinessCalendar, HolidayName, WorkingPeriod
from complaints.domain.errors import InvalidInput
from complaints.domain.policy import ClockTarget, PolicyRule, SlaPolicy

Document = dict[str, Any]


def calendar_from_document(
    *,
    name: str,
    version: int,
    time_zone: str,
    week: Mapping[str, Sequence[str]],
    holidays: Sequence[Mapping[str, Any]],
) -> BusinessCalendar:
    """`holidays` as stored: `{"date": "2026-10-01", "name": {"en": "National Day", "zh": ...}}`."""
    unknown = set(week) - set(WEEKDAYS)
    if unknown:
        raise InvalidInput(f"unknown weekdays {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
    names: dict[date, HolidayName] = {}
    for holiday in holidays:
        try:
            day = date.fromisoformat(holiday["date"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                _("holiday %(day)r is not a date like 2026-10-01") % {"day": holiday.get("date")}
            ) from exc
        if day in names:
            raise InvalidInput(
                _("%(day)s is listed twice among the holidays") % {"day": day.isoformat()}
            )
        named = holiday.get("name") or {}
        names[day] = HolidayName(en=named.get("en", ""), zh=named.get("zh", ""))
    return BusinessCalendar(
        name=name,
        time_zone=time_zone,
        week=tuple(
            tuple(WorkingPeriod.parse(period) for period in week.get(weekday, ()))
            for weekday in WEEKDAYS
        ),
        holidays=frozenset(names),
        version=version,
        holiday_names=names,
    )


def calendar_week(calendar: BusinessCalendar) -> dict[str, list[str]]:
    return {
        weekday: [str(period) for period in periods]
        for weekday, periods in zip(WEEKDAYS, calendar.week, strict=True)
    }


def calendar_holidays(calendar: BusinessCalendar) -> list[Document]:
    names = calendar.holiday_names
    return [
        {"date": day.isoformat(), "name": {"en": names[day].en, "zh": names[day].zh}}
        if day in names
        else plain_holiday(day.isoformat())
        for day in sorted(calendar.holidays)
    ]


def plain_holiday(day: str) -> Document:
    """A holiday given as a bare date (the API's first shape): a day off without a name."""
    return {"date": day, "name": {"en": "", "zh": ""}}


def target_from_document(document: Mapping[str, Any]) -> ClockTarget:
    return ClockTarget(
        amount=int(document["amount"]),
        unit=document["unit"],
        calendar=document.get("calendar"),
        pausable=bool(document.get("pausable", False)),
    )


def target_document(target: ClockTarget) -> Document:
    return {
        "amount": target.amount,
        "unit": target.unit,
        "calendar": target.calendar,
        "pausable": target.pausable,
    }


def policy_from_document(version: int, document: Mapping[str, Any]) -> SlaPolicy:
    try:
        rules = tuple(
            PolicyRule(
                name=rule.get("name", ""),
                severity=rule.get("severity"),
                category=rule.get("category"),
                tier=rule.get("tier"),
                vip=rule.get("vip"),
                targets={
                    clock: target_from_document(target) for clock, target in rule["targets"].items()
                },
            )
            for rule in document["rules"]
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"malformed policy document: {exc!r}") from exc
    return SlaPolicy(
        version=version,
        rules=rules,
        warning_thresholds=tuple(document.get("warning_thresholds", (75, 90))),
        note=document.get("note", ""),
    )


def policy_document(policy: SlaPolicy) -> Document:
    return {
        "note": policy.note,
        "warning_thresholds": list(policy.warning_thresholds),
        "rules": [
            {
                "name": rule.name,
                "severity": rule.severity,
                "category": rule.category,
                "tier": rule.tier,
                "vip": rule.vip,
                "targets": {clock: target_document(t) for clock, t in rule.targets.items()},
            }
            for rule in policy.rules
        ],
    }

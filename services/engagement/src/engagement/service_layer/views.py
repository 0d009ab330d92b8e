"""Read models for the boards and pages: the weekly, team and monthly boards, an account's
plan, and target progress. Reads only; nothing here is committed."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from chassis.auth import Managers
from chassis.errors import InvalidInput
from chassis.messages import _
from engagement.domain.accounts import Account
from engagement.domain.care import care_trigger, next_occurrence
from engagement.domain.targets import DayWeights, Progress, progress, split_month
from engagement.service_layer.unit_of_work import EngagementUnitOfWork

# How far back the boards list overdue items.
OVERDUE_DAYS = 28
SECTIONS = ("overdue", "today", "tomorrow", "this_week")


@dataclass(frozen=True)
class Completion:
    planned: int
    done: int

    @property
    def share(self) -> float | None:
        return self.done / self.planned if self.planned else None


@dataclass(frozen=True)
class TargetProgress:
    currency: str
    day: Progress
    week: Progress
    month_to_date: Progress
    month: Progress


@dataclass(frozen=True)
class WeeklyBoard:
    manager: str
    today: date
    week_start: date
    sections: dict[str, list[dict[str, Any]]]
    completion: Completion
    target: TargetProgress | None
    # This week's care touches not planned: the contact withdrew consent.
    skipped: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class TeamRow:
    manager: str
    counts: dict[str, int]
    completion: Completion
    target: TargetProgress | None


@dataclass(frozen=True)
class TeamBoard:
    team: str
    supervisor: str | None
    today: date
    week_start: date
    rows: list[TeamRow]
    sections: dict[str, list[dict[str, Any]]]
    completion: Completion


@dataclass(frozen=True)
class MonthlyBoard:
    manager: str
    month: date
    weeks: list[tuple[date, list[dict[str, Any]]]]
    spanning: list[dict[str, Any]]
    completion: Completion
    target: TargetProgress | None


@dataclass(frozen=True)
class AccountPlan:
    account: dict[str, Any]
    tier: str | None
    items: list[dict[str, Any]]
    visits: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    next_contact: dict[str, Any] | None = field(default=None)
    # Care touches not planned because the contact withdrew consent (the board says why).
    skipped: list[dict[str, Any]] = field(default_factory=list)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def with_tier(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its account's tier (from its grade, value class and VIP status)."""
    account = Account(
        row["account_id"], grade=row["grade"], value_class=row["value_class"], vip=row["vip"]
    )
    return {**row, "tier": account.tier}


def _sections(rows: list[dict[str, Any]], today: date) -> dict[str, list[dict[str, Any]]]:
    week_end = monday_of(today) + timedelta(days=6)
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    for row in map(with_tier, rows):
        if row["due_on"] < today:
            sections["overdue"].append(row)
        elif row["due_on"] == today:
            sections["today"].append(row)
        elif row["due_on"] == today + timedelta(days=1):
            sections["tomorrow"].append(row)
        elif row["due_on"] <= week_end:
            sections["this_week"].append(row)
    # Overdue lists only what is still to do (done or cancelled late items are history).
    sections["overdue"] = [
        row for row in sections["overdue"] if row["state"] not in ("done", "cancelled")
    ]
    return sections


async def target_progress(
    uow: EngagementUnitOfWork, *, manager: str, today: date, weights: DayWeights
) -> TargetProgress | None:
    month = month_of(today)
    target = (await uow.queries.targets(managers=[manager], month=month)).get(manager)
    if target is None:
        return None
    calendar = await uow.policies.calendar()
    split = split_month(month=month, amount=target["amount"], calendar=calendar, weights=weights)
    actuals = await uow.queries.actuals_by_day(manager=manager, start=month, end=month_end(month))
    figures = progress(split=split, actuals_by_day=actuals, today=today)
    return TargetProgress(
        currency=target["currency"],
        day=figures["day"],
        week=figures["week"],
        month_to_date=figures["month_to_date"],
        month=figures["month"],
    )


# Boards are about the company's working years, not the calendar's ends.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def require_board_day(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            _("%(day)s is outside the years %(first)s to %(last)s")
            % {"day": day, "first": FIRST_YEAR, "last": LAST_YEAR}
        )


async def weekly_board(
    uow: EngagementUnitOfWork, *, manager: str, today: date, weights: DayWeights
) -> WeeklyBoard:
    require_board_day(today)
    week_start = monday_of(today)
    week_end = week_start + timedelta(days=6)
    rows = await uow.queries.board_items(
        owners=[manager],
        start=today,
        end=week_end,
        overdue_since=today - timedelta(days=OVERDUE_DAYS),
    )
    planned, done = (
        await uow.queries.completion(owners=[manager], start=week_start, end=week_end)
    )[manager]
    return WeeklyBoard(
        manager=manager,
        today=today,
        week_start=week_start,
        sections=_sections(rows, today),
        completion=Completion(planned, done),
        target=await target_progress(uow, manager=manager, today=today, weights=weights),
        skipped=skipped_touches(
            await uow.queries.withdrawn_dates(owners=[manager]), today=today, until=week_end
        ),
    )


async def team_board(
    uow: EngagementUnitOfWork,
    *,
    team: str,
    managers_in_scope: Managers,
    today: date,
    weights: DayWeights,
) -> TeamBoard | None:
    """The team's board over its managers in scope; None for a team with none of them."""
    require_board_day(today)
    supervisor, managers = await uow.teams.members(team, managers=managers_in_scope)
    if supervisor is None:
        return None
    week_start = monday_of(today)
    week_end = week_start + timedelta(days=6)
    rows = await uow.queries.board_items(
        owners=managers,
        start=today,
        end=week_end,
        overdue_since=today - timedelta(days=OVERDUE_DAYS),
    )
    sections = _sections(rows, today)
    completion = await uow.queries.completion(owners=managers, start=week_start, end=week_end)
    team_rows = []
    for manager in managers:
        counts = {
            name: sum(1 for row in items if row["owner"] == manager)
            for name, items in sections.items()
        }
        team_rows.append(
            TeamRow(
                manager=manager,
                counts=counts,
                completion=Completion(*completion[manager]),
                target=await target_progress(uow, manager=manager, today=today, weights=weights),
            )
        )
    return TeamBoard(
        team=team,
        supervisor=supervisor,
        today=today,
        week_start=week_start,
        rows=team_rows,
        sections=sections,
        completion=Completion(
            sum(planned for planned, _ in completion.values()),
            sum(done for _, done in completion.values()),
        ),
    )


async def monthly_board(
    uow: EngagementUnitOfWork, *, manager: str, month: date, today: date, weights: DayWeights
) -> MonthlyBoard:
    require_board_day(month)
    end = month_end(month)
    rows = [
        with_tier(row)
        for row in await uow.queries.board_items(
            owners=[manager], start=month, end=end, overdue_since=month
        )
    ]
    weeks: dict[date, list[dict[str, Any]]] = {}
    day = monday_of(month)
    while day <= end:
        weeks[day] = []
        day += timedelta(days=7)
    for row in rows:
        weeks[monday_of(row["due_on"])].append(row)
    spanning = [
        row for row in rows if monday_of(row["window_start"]) != monday_of(row["window_end"])
    ]
    planned, done = (await uow.queries.completion(owners=[manager], start=month, end=end))[manager]
    return MonthlyBoard(
        manager=manager,
        month=month,
        weeks=sorted(weeks.items()),
        spanning=spanning,
        completion=Completion(planned, done),
        target=(
            await target_progress(uow, manager=manager, today=today, weights=weights)
            if month == month_of(today)
            else None
        ),
    )


async def account_plan(
    uow: EngagementUnitOfWork, *, account_id: str, managers: Managers, today: date
) -> AccountPlan | None:
    """The plan of an account of one of `managers`; None for another's (or none)."""
    account = await uow.queries.account(account_id, managers=managers)
    if account is None or not account["registered"]:
        return None
    items = [
        with_tier(row)
        for row in await uow.queries.account_items(account_id, since=today - timedelta(days=90))
    ]
    upcoming = [row for row in items if row["state"] in ("planned", "confirmed", "rescheduled")]
    return AccountPlan(
        account=account,
        tier=with_tier(account)["tier"],
        items=items,
        visits=await uow.queries.visits(account_id=account_id, limit=20),
        feedback=await uow.queries.feedback(account_id=account_id, limit=20),
        next_contact=min(upcoming, key=lambda row: row["due_on"]) if upcoming else None,
        skipped=skipped_touches(
            await uow.queries.withdrawn_dates(account_id=account_id), today=today
        ),
    )


def skipped_touches(
    rows: list[dict[str, Any]], *, today: date, until: date | None = None
) -> list[dict[str, Any]]:
    """Each withdrawn contact's date (`withdrawn_dates`) with its next day, up to `until`: no
    care touch is planned for it until the consent is given again."""
    skipped = []
    for row in rows:
        occurs_on = next_occurrence(row["month"], row["day"], today)
        if until is None or occurs_on <= until:
            trigger = care_trigger(row["origin"], row["contact_reference"], occurs_on)
            skipped.append(
                {**row, "occurs_on": occurs_on, "trigger": trigger, "reason": "consent_withdrawn"}
            )
    return sorted(skipped, key=lambda row: (row["occurs_on"], row["account_id"]))

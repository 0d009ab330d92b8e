"""Keeping an account's plan current: missed items, cadence visits over the horizon, care
touches, and the upkeep timer that brings the account back when its plan next needs it.

`upkeep_plans` runs inside the caller's unit of work (a consumer batch, a command, a timer, a
policy activation) and holds the accounts' row locks, so two workers never plan one account at
once. It is idempotent: run twice on the same day it changes nothing the second time.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engagement.domain.accounts import Account, KeyDate
from engagement.domain.cadence import CadencePolicy, replan
from engagement.domain.care import (
    HolidayGreeting,
    annual_meeting_invitation,
    care_touch,
    care_trigger,
    greeting_stands,
    holiday_blocks,
    holiday_greetings,
    holiday_trigger,
    next_occurrence,
    parse_care_trigger,
    yearly_date,
)
from engagement.domain.follow_ups import FIRST_ORDER_STEPS, FirstOrderOrigin, FirstOrderStep
from engagement.domain.plan import ItemKind, Origin, PlanItem
from engagement.service_layer.unit_of_work import EngagementUnitOfWork

CARE_ORIGINS: tuple[Origin, ...] = ("birthday", "anniversary")


@dataclass(frozen=True)
class PlanSettings:
    """The configuration the planning handlers need (see `EngagementSettings`)."""

    time_zone: ZoneInfo
    first_order_steps: Mapping[FirstOrderOrigin, FirstOrderStep] = field(
        default_factory=lambda: dict(FIRST_ORDER_STEPS)
    )
    complaint_follow_up_working_days: int = 2
    retention_within_days: int = 7
    win_back_within_days: int = 14
    care_lead_days: int = 3
    # The annual customer meeting (month, day); None when there is none.
    annual_meeting: tuple[int, int] | None = (1, 15)
    annual_meeting_invite_weeks: int = 4
    next_step_window_days: int = 2
    manual_window_days: int = 2


def local_day(moment: datetime, settings: PlanSettings) -> date:
    """The company's calendar day at `moment`."""
    return moment.astimezone(settings.time_zone).date()


def start_of_day(day: date, settings: PlanSettings) -> datetime:
    return datetime.combine(day, time(0, 0), settings.time_zone).astimezone(UTC)


def new_item_id() -> str:
    return f"PLN-{uuid.uuid4().hex[:16].upper()}"


def triggered_item(
    account: Account,
    *,
    kind: ItemKind,
    origin: Origin,
    trigger: str,
    due_on: date,
    window_end: date,
    at: datetime,
    note: str = "",
) -> PlanItem:
    return PlanItem.plan(
        item_id=new_item_id(),
        account_id=account.account_id,
        owner=account.manager,
        kind=kind,
        origin=origin,
        due_on=due_on,
        window_end=window_end,
        at=at,
        trigger=trigger,
        note=note,
    )


async def add_triggered(uow: EngagementUnitOfWork, items: list[PlanItem], today: date) -> None:
    """Add items planned by a trigger, each once whatever is redelivered; one whose window
    ended before today (an old trigger seen late) is not planned."""
    current = [item for item in items if item.window_end >= today]
    uow.published.record(await uow.items.add(current))


async def upkeep_plans(
    *,
    uow: EngagementUnitOfWork,
    account_ids: Iterable[str],
    now: datetime,
    settings: PlanSettings,
) -> None:
    """Bring these accounts' plans up to date with the active policy, as of `now`."""
    today = local_day(now, settings)
    policy = await uow.policies.active()
    holidays = await uow.policies.holidays()
    accounts = {
        account_id: account
        for account_id, account in (await uow.accounts.lock(account_ids)).items()
        if account.registered
    }
    if not accounts:
        return
    open_items = await uow.items.open_of(accounts)
    # Older declined days cannot move a cadence day any more (decision 0013).
    declined = await uow.items.declined_cadence_days(
        accounts, since=today - timedelta(days=policy.longest_interval_days())
    )
    key_dates = await uow.accounts.key_dates(accounts)
    withdrawn = await uow.accounts.withdrawn_consents(accounts)
    horizon_end = policy.horizon_end(today)
    # The same for every account: worked out once per batch.
    holiday_firsts = {first.on for first in holiday_blocks(holidays)}
    greetings = holiday_greetings(
        holidays=holidays, today=today, horizon_end=horizon_end, lead_days=settings.care_lead_days
    )
    changed: list[PlanItem] = []
    new: list[PlanItem] = []
    upkeep: dict[str, datetime] = {}
    for account_id, account in accounts.items():
        items = open_items[account_id]
        for item in items:
            if item.overdue(today):
                item.miss(at=now)
                changed.append(item)
        cancelled, planned, next_entry = _plan_cadence(
            account, items, declined[account_id], policy, today, now
        )
        consented = [d for d in key_dates[account_id] if d.reference not in withdrawn[account_id]]
        cancelled += _drop_without_consent(items, withdrawn[account_id], now)
        cancelled += _drop_removed_care(items, consented, holiday_firsts, now)
        changed += cancelled
        new += planned
        new += _care_touches(account, consented, greetings, today, horizon_end, now, settings)
        upkeep[account_id] = start_of_day(
            min(
                [item.window_end + timedelta(days=1) for item in items if item.is_open]
                + [item.window_end + timedelta(days=1) for item in planned]
                + ([next_entry] if next_entry else [])
                + [today + timedelta(days=7)]
            ),
            settings,
        )
    await uow.items.save(changed, now=now)
    uow.published.record(changed)
    uow.published.record(await uow.items.add(new))
    await uow.accounts.mark_planned(list(accounts), policy_version=policy.version)
    await uow.timers.set_upkeep(upkeep)


def _plan_cadence(
    account: Account,
    items: list[PlanItem],
    declined: set[date],
    policy: CadencePolicy,
    today: date,
    now: datetime,
) -> tuple[list[PlanItem], list[PlanItem], date | None]:
    """Apply the domain's re-plan (decision 0013): cancel the cadence visits no longer wanted,
    plan the missing ones; returns them and the day the next cadence visit beyond the horizon
    enters it."""
    decision = replan(
        policy=policy,
        tier=account.tier,
        account_id=account.account_id,
        today=today,
        last_done=account.last_done_on,
        items=items,
        declined=declined,
    )
    by_id = {item.item_id: item for item in items}
    cancelled = []
    for cancellation in decision.cancel:
        item = by_id[cancellation.item_id]
        item.cancel(
            by="us",
            reason=cancellation.reason,
            actor=None,
            at=now,
            replaced_by=cancellation.replaced_by,
        )
        cancelled.append(item)
    planned = [
        PlanItem.plan(
            item_id=new_item_id(),
            account_id=account.account_id,
            owner=account.manager,
            kind="visit",
            origin="cadence",
            due_on=visit.due_on,
            window_end=visit.window_end,
            at=now,
            policy_version=policy.version,
        )
        for visit in decision.add
    ]
    return cancelled, planned, decision.next_entry


def _drop_without_consent(
    items: list[PlanItem], withdrawn: Mapping[str, datetime], now: datetime
) -> list[PlanItem]:
    """Cancel the open care touches of contacts whose consent is withdrawn: the customer took
    it back, so the touch is theirs to cancel. Touches of later occurrences are planned again
    once the consent is given again."""
    dropped = []
    for item in items:
        care = item.origin in CARE_ORIGINS and item.is_open and item.trigger
        if care and parse_care_trigger(item.trigger or "")[1] in withdrawn:
            item.cancel(by="customer", reason="customer_cancelled", actor=None, at=now)
            dropped.append(item)
    return dropped


def _drop_removed_care(
    items: list[PlanItem], key_dates: list[KeyDate], holiday_firsts: set[date], now: datetime
) -> list[PlanItem]:
    """Cancel the open care touches of dates the card no longer holds (or holds changed), and
    the open greetings of holidays the calendar no longer has on that day (the greeting of a
    moved holiday is planned anew by `_care_touches`)."""
    dropped = []
    for item in items:
        if item.origin == "holiday" and item.is_open and item.trigger:
            if not greeting_stands(item.trigger, holiday_firsts):
                item.cancel(by="us", reason="replanned", actor=None, at=now)
                dropped.append(item)
        elif item.origin in CARE_ORIGINS and item.is_open and item.trigger:
            kind, reference, day = parse_care_trigger(item.trigger)
            if not any(
                (key_date.kind, key_date.reference) == (kind, reference)
                and yearly_date(day.year, key_date.month, key_date.day) == day
                for key_date in key_dates
            ):
                item.cancel(by="us", reason="other", actor=None, at=now)
                dropped.append(item)
    return dropped


def _care_touches(
    account: Account,
    key_dates: list[KeyDate],
    greetings: list[HolidayGreeting],
    today: date,
    horizon_end: date,
    now: datetime,
    settings: PlanSettings,
) -> list[PlanItem]:
    """Birthdays and anniversaries of every account; holiday greetings and the annual
    meeting's invitation for key accounts. Each occurrence once (its trigger)."""
    touches = []
    for key_date in key_dates:
        touch = care_touch(
            month=key_date.month,
            day=key_date.day,
            today=today,
            lead_days=settings.care_lead_days,
            horizon_end=horizon_end,
        )
        if touch is not None:
            due_on, occurs_on = touch
            touches.append(
                triggered_item(
                    account,
                    kind="care_touch",
                    origin=key_date.kind,
                    trigger=care_trigger(key_date.kind, key_date.reference, occurs_on),
                    due_on=due_on,
                    window_end=occurs_on,
                    at=now,
                )
            )
    if not account.is_key_account:
        return touches
    for holiday, due_on, window_end in greetings:
        touches.append(
            triggered_item(
                account,
                kind="care_touch",
                origin="holiday",
                trigger=holiday_trigger(holiday.on),
                due_on=due_on,
                window_end=window_end,
                at=now,
                note=holiday.name,
            )
        )
    if settings.annual_meeting is not None:
        meeting_on = next_occurrence(*settings.annual_meeting, today)
        invitation = annual_meeting_invitation(
            meeting_on=meeting_on,
            today=today,
            invite_weeks_ahead=settings.annual_meeting_invite_weeks,
        )
        if invitation is not None and invitation.due_on <= horizon_end:
            due_on, window_end = invitation
            touches.append(
                triggered_item(
                    account,
                    kind="care_touch",
                    origin="annual_meeting",
                    trigger=f"annual_meeting:{meeting_on.isoformat()}",
                    due_on=due_on,
                    window_end=window_end,
                    at=now,
                )
            )
    return touches

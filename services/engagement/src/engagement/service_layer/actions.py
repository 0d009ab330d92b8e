"""Command handlers: one unit of work each; the domain decides, the repositories store, the
outbox publishes at commit."""

import uuid
from datetime import timedelta

from chassis import errors
from chassis.auth import Managers
from chassis.clock import Clock
from chassis.messages import _
from engagement.adapters.published import feedback_contract, target_contract, visit_contract
from engagement.domain.cadence import CadencePolicy
from engagement.domain.plan import PlanItem
from engagement.domain.visits import Feedback, FeedbackContext, Target, Visit
from engagement.metrics import VISITS_LOGGED
from engagement.service_layer import commands as c
from engagement.service_layer.audit import visit_logged
from engagement.service_layer.planning import (
    PlanSettings,
    local_day,
    new_item_id,
    upkeep_plans,
)
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


class NotFound(errors.NotFound):
    """No such account, item or policy version (404)."""


class AlreadyLogged(errors.Conflict):
    code = "already_logged"


class PolicyNotDraft(errors.Conflict):
    code = "policy_not_draft"


async def _known_account(uow: EngagementUnitOfWork, account_id: str, managers: Managers) -> None:
    account = await uow.accounts.get(account_id, managers=managers)
    if account is None or not account.registered:
        raise NotFound(_("no account %(id)r") % {"id": account_id})


async def _locked_item(uow: EngagementUnitOfWork, item_id: str, managers: Managers) -> PlanItem:
    """The item of an owner in `managers`, with its account's lock first: plans are changed
    under the account's lock (`upkeep_plans` holds it too), so no change to an item is lost.
    Under the lock it is loaded again in the same scope: given to another manager meanwhile,
    it is not found."""
    found = await uow.items.get(item_id, managers=managers)
    if found is not None:
        await uow.accounts.lock([found.account_id])
        found = await uow.items.get(item_id, managers=managers, for_update=True)
    if found is None:
        raise NotFound(_("no plan item %(id)r") % {"id": item_id})
    return found


async def plan_manual_item(
    *, uow: EngagementUnitOfWork, command: c.PlanManualItem, clock: Clock, settings: PlanSettings
) -> PlanItem:
    now = clock.now()
    async with uow:
        await _known_account(uow, command.account_id, command.managers)
        account = (await uow.accounts.lock([command.account_id]))[command.account_id]
        if command.due_on < local_day(now, settings):
            raise errors.InvalidInput(
                _("cannot plan an item on %(day)s, in the past") % {"day": command.due_on}
            )
        item = PlanItem.plan(
            item_id=new_item_id(),
            account_id=command.account_id,
            owner=account.manager,
            kind=command.kind,
            origin="manual",
            due_on=command.due_on,
            window_end=command.window_end
            or command.due_on + timedelta(days=settings.manual_window_days),
            at=now,
            note=command.note,
        )
        uow.published.record(await uow.items.add([item]))
        # A manual visit may stand in for a cadence visit of the same week.
        await upkeep_plans(uow=uow, account_ids=[command.account_id], now=now, settings=settings)
        await uow.commit()
    return item


async def confirm_item(*, uow: EngagementUnitOfWork, command: c.ConfirmItem, clock: Clock) -> None:
    async with uow:
        item = await _locked_item(uow, command.item_id, command.managers)
        item.confirm(actor=command.actor, at=clock.now())
        await _save(uow, item, clock)


async def reschedule_item(
    *, uow: EngagementUnitOfWork, command: c.RescheduleItem, clock: Clock, settings: PlanSettings
) -> None:
    now = clock.now()
    async with uow:
        item = await _locked_item(uow, command.item_id, command.managers)
        account_count = await uow.accounts.count_reschedule(item.account_id)
        item.reschedule(
            to=command.due_on,
            requested_by=command.requested_by,
            reason=command.reason,
            actor=command.actor,
            at=now,
            today=local_day(now, settings),
            account_count=account_count,
        )
        await uow.items.save([item], now=now)
        uow.published.record([item])
        await upkeep_plans(uow=uow, account_ids=[item.account_id], now=now, settings=settings)
        await uow.commit()


async def cancel_item(
    *, uow: EngagementUnitOfWork, command: c.CancelItem, clock: Clock, settings: PlanSettings
) -> None:
    now = clock.now()
    async with uow:
        item = await _locked_item(uow, command.item_id, command.managers)
        item.cancel(by=command.cancelled_by, reason=command.reason, actor=command.actor, at=now)
        await uow.items.save([item], now=now)
        uow.published.record([item])
        await upkeep_plans(uow=uow, account_ids=[item.account_id], now=now, settings=settings)
        await uow.commit()


async def _save(uow: EngagementUnitOfWork, item: PlanItem, clock: Clock) -> None:
    await uow.items.save([item], now=clock.now())
    uow.published.record([item])
    await uow.commit()


async def log_visit(
    *, uow: EngagementUnitOfWork, command: c.LogVisit, clock: Clock, settings: PlanSettings
) -> Visit:
    """Log a contact: the planned item is done, the next step is planned, the scores are
    recorded, and the cadence counts from this visit when it was one."""
    now = clock.now()
    visit_id = command.visit_id or f"VIS-{uuid.uuid4().hex[:16].upper()}"
    async with uow:
        await _known_account(uow, command.account_id, command.managers)
        account = (await uow.accounts.lock([command.account_id]))[command.account_id]
        if await uow.visits.visit_exists(visit_id):
            raise AlreadyLogged(_("visit %(id)r is logged already") % {"id": visit_id})
        item = None
        if command.item_id is not None:
            item = await _locked_item(uow, command.item_id, command.managers)
            if item.account_id != command.account_id:
                raise errors.InvalidInput(
                    _("item %(id)r belongs to another account") % {"id": command.item_id},
                    code="wrong_account",
                )
        next_item = None
        if command.next_step is not None:
            step = command.next_step
            next_item = PlanItem.plan(
                item_id=new_item_id(),
                account_id=command.account_id,
                owner=account.manager,
                kind=step.kind,
                origin="next_step",
                due_on=max(step.due_on, local_day(now, settings)),
                window_end=max(step.due_on, local_day(now, settings))
                + timedelta(days=settings.next_step_window_days),
                at=now,
                trigger=f"visit:{visit_id}",
                note=step.note,
            )
        visit = Visit(
            visit_id=visit_id,
            account_id=command.account_id,
            manager=command.actor,
            occurred_on=command.occurred_on,
            channel=command.channel,
            duration_minutes=command.duration_minutes,
            outcome=command.outcome,
            logged_at=now,
            logged_on=local_day(now, settings),
            item_id=command.item_id,
            contact_ref=command.contact_ref,
            notes=command.notes,
            next_step=command.next_step,
            next_step_item_id=next_item.item_id if next_item else None,
        )
        answer = None
        if command.csat is not None or command.nps is not None:
            from_complaint = item is not None and item.origin == "complaint_follow_up"
            context: FeedbackContext = "complaint" if from_complaint else "visit"
            answer = Feedback(
                feedback_id=f"FBK-{uuid.uuid4().hex[:16].upper()}",
                account_id=command.account_id,
                context=context,
                responded_at=now,
                csat=command.csat,
                nps=command.nps,
                manager=command.actor,
                visit_id=visit_id,
                ticket_id=_ticket_of(item),
            )
        await uow.visits.add_visit(visit)
        uow.published.add(visit_contract(visit))
        await uow.access_log.record(
            [visit_logged(command.account_id, visit_id, actor=command.actor, at=now)]
        )
        if item is not None:
            item.complete(visit_id=visit_id, on=command.occurred_on, at=now)
            await uow.items.save([item], now=now)
            uow.published.record([item])
        if next_item is not None:
            uow.published.record(await uow.items.add([next_item]))
        if answer is not None:
            await uow.visits.add_feedback(answer)
            uow.published.add(feedback_contract(answer))
        if command.channel == "on_site" or (item is not None and item.kind == "visit"):
            await uow.accounts.record_done(command.account_id, command.occurred_on)
        await upkeep_plans(uow=uow, account_ids=[command.account_id], now=now, settings=settings)
        await uow.commit()
    VISITS_LOGGED.labels(command.channel).inc()
    return visit


def _ticket_of(item: PlanItem | None) -> str | None:
    if item is None or item.origin != "complaint_follow_up" or not item.trigger:
        return None
    return item.trigger.removeprefix("ticket:")


async def record_feedback(
    *, uow: EngagementUnitOfWork, command: c.RecordFeedback, clock: Clock
) -> Feedback:
    async with uow:
        await _known_account(uow, command.account_id, command.managers)
        answer = Feedback(
            feedback_id=f"FBK-{uuid.uuid4().hex[:16].upper()}",
            account_id=command.account_id,
            context=command.context,
            responded_at=clock.now(),
            csat=command.csat,
            nps=command.nps,
            manager=command.actor,
            visit_id=command.visit_id,
            ticket_id=command.ticket_id,
        )
        await uow.visits.add_feedback(answer)
        uow.published.add(feedback_contract(answer))
        await uow.commit()
    return answer


async def set_target(*, uow: EngagementUnitOfWork, command: c.SetTarget, clock: Clock) -> Target:
    target = Target(
        manager=command.manager,
        month=command.month,
        amount=command.amount,
        currency=command.currency,
        set_by=command.actor,
        set_at=clock.now(),
    )
    async with uow:
        await uow.visits.set_target(target)
        uow.published.add(target_contract(target))
        await uow.commit()
    return target


async def draft_policy(
    *, uow: EngagementUnitOfWork, command: c.DraftCadencePolicy, clock: Clock
) -> int:
    async with uow:
        # Validated as the version it will be; stored under the number the repository gives.
        policy = CadencePolicy.from_data(0, command.data)
        version = await uow.policies.add_draft(policy, actor=command.actor, at=clock.now())
        await uow.commit()
    return version


async def activate_policy(
    *, uow: EngagementUnitOfWork, command: c.ActivateCadencePolicy, clock: Clock
) -> None:
    """Make a draft the active policy. The workers then re-plan every account behind it, a
    batch at a time (`catch_up_with_policy`)."""
    async with uow:
        stored = await uow.policies.get(command.version, for_update=True)
        if stored is None:
            raise NotFound(
                _("no cadence policy version %(version)s") % {"version": command.version}
            )
        if stored["state"] != "draft":
            raise PolicyNotDraft(
                _("version %(version)s is %(state)s, not a draft")
                % {"version": command.version, "state": stored["state"]}
            )
        await uow.policies.activate(command.version, at=clock.now())
        await uow.commit()


async def set_team(*, uow: EngagementUnitOfWork, command: c.SetTeam) -> None:
    async with uow:
        await uow.teams.set(command.team, supervisor=command.supervisor, managers=command.managers)
        await uow.commit()


async def set_calendar(*, uow: EngagementUnitOfWork, command: c.SetCalendar, clock: Clock) -> None:
    """Replace the calendar. The plans that greet for holidays (key accounts, and any account
    with a greeting still open) are brought up to date by their upkeep, due at once: greetings
    of holidays gone or moved are cancelled, the new holidays' greetings planned."""
    async with uow:
        await uow.policies.set_calendar(list(command.holidays), list(command.working_days))
        greeting = {a.account_id for a in await uow.accounts.registered() if a.is_key_account}
        greeting |= await uow.items.accounts_with_open("holiday")
        now = clock.now()
        await uow.timers.set_upkeep(dict.fromkeys(greeting, now))
        await uow.commit()

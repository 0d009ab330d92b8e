"""Command and event handlers: load, let the domain decide, save, publish, reschedule timers.

Every handler runs in one unit of work: ticket rows, clocks, history, outbox events and timer
rows change together or not at all.

Staged events (decision 0007): after every change, the warnings, breaches and escalations a
ticket will reach within `stage_ahead` are staged in the outbox, so the relay publishes each at
its moment. Loading a ticket for a change withdraws them (`TicketRepository.get_many`); the
change stages them anew. When the scheduler later records them, their ids are already taken
and nothing is published twice.
"""

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from chassis import errors
from chassis.clock import Clock
from chassis.i18n import _
from chassis.kafka import ReceivedEvent
from chassis.privacy import erasure_completed
from chassis.scheduler import DueTimer
from chassis.unit_of_work import SqlUnitOfWork
from complaints.adapters.documents import calendar_from_document, policy_from_document
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.errors import InvalidInput
from complaints.domain.events import ClockBreached, ClockWarning, DomainEvent, TicketEscalated
from complaints.domain.policy import CATEGORIES, SlaPolicy
from complaints.domain.tickets import SlaContext, Ticket
from complaints.metrics import ESCALATIONS, SLA_BREACHES, SLA_WARNINGS
from complaints.service_layer.audit import ticket_changed
from complaints.service_layer.commands import (
    ActivatePolicy,
    AddStandardAnswer,
    FileComplaint,
    FollowUp,
    PauseClock,
    ProposeSolution,
    PublishPolicy,
    RejectSolution,
    Reopen,
    Resolve,
    TicketCommand,
    UpdateCalendar,
)
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork
from contracts import accounts_v1
from contracts.complaints_v1 import SOURCE


class NotFound(errors.NotFound):
    """No ticket or policy version with that id (404)."""


class UnknownAccount(InvalidInput):
    """The complaint names an account complaints has not heard of (422)."""

    code = "unknown_account"


class NoActivePolicy(errors.Conflict):
    """No SLA policy is active yet, so a ticket cannot get its clocks (409)."""

    code = "no_active_policy"


@dataclass(frozen=True)
class SlaSettings:
    """The configuration handlers need."""

    ops_escalation_after: timedelta
    repeat_window: timedelta
    # How far ahead warnings, breaches and escalations are staged in the outbox.
    stage_ahead: timedelta


# Batch loops over tickets give the event loop a turn this often (about 5 ms of CPU).
YIELD_EVERY = 50
# The steps that write free text (which may name people) into the ticket's history: each is
# a change of personal data in the access log.
TEXT_STEPS = (ProposeSolution, RejectSolution, Resolve, FollowUp, Reopen, PauseClock)


def new_ticket_id() -> str:
    return f"CMP-{uuid.uuid4().hex[:12].upper()}"


async def sla_context(uow: ComplaintsUnitOfWork, settings: SlaSettings) -> SlaContext:
    return SlaContext(
        calendars=await uow.calendars.all(), ops_escalation_after=settings.ops_escalation_after
    )


async def file_complaint(
    *, uow: ComplaintsUnitOfWork, command: FileComplaint, clock: Clock, settings: SlaSettings
) -> Ticket:
    async with uow:
        account = await uow.accounts.get(command.account_id, visible_to=command.visible_to)
        if account is None:
            raise UnknownAccount(
                _(
                    "no account %(account)r is known to complaints "
                    "(accounts arrive from the accounts service's events)"
                )
                % {"account": command.account_id}
            )
        policy = await uow.policies.active()
        if policy is None:
            raise NoActivePolicy(_("no SLA policy is active; publish one first"))
        now = clock.now()
        ctx = await sla_context(uow, settings)
        ticket = Ticket.file(
            ticket_id=new_ticket_id(),
            account=account,
            contact=command.contact,
            channel=command.channel,
            category=command.category,
            severity=command.severity,
            description=command.description,
            order_refs=command.order_refs,
            policy=policy,
            ctx=ctx,
            at=now,
            actor=command.actor,
            repeat_count=await uow.tickets.count_recent_for_account(
                account.account_id, since=now - settings.repeat_window
            ),
        )
        await save_changes(uow=uow, changed=[ticket], ctx=ctx, now=now, settings=settings)
        await uow.access_log.record(
            [
                ticket_changed(
                    account.account_id,
                    ticket.id,
                    "contact and description (filed)",
                    actor=command.actor,
                    at=now,
                )
            ]
        )
        await uow.commit()
        return ticket


async def run_ticket_command(
    *, uow: ComplaintsUnitOfWork, command: TicketCommand, clock: Clock, settings: SlaSettings
) -> Ticket:
    """Any step on an existing ticket; a refused step changes nothing (the transaction rolls back)."""
    async with uow:
        ticket = await uow.tickets.get(command.ticket_id, visible_to=command.visible_to)
        if ticket is None:
            raise NotFound(_("no ticket %(ticket)r") % {"ticket": command.ticket_id})
        # Only now: a staged breach a relay published while we waited is in our past.
        now = clock.now()
        if isinstance(command, Resolve):
            repeats = await uow.tickets.count_same_root_cause(
                command.root_cause, since=now - settings.repeat_window, other_than=ticket.id
            )
            command = replace(command, cause_repeat_count=repeats)
        ctx = await sla_context(uow, settings)
        command.apply(ticket, at=now, ctx=ctx)
        await save_changes(uow=uow, changed=[ticket], ctx=ctx, now=now, settings=settings)
        if isinstance(command, TEXT_STEPS):
            what = f"history text ({type(command).__name__})"
            await uow.access_log.record(
                [ticket_changed(ticket.account_id, ticket.id, what, actor=command.actor, at=now)]
            )
        await uow.commit()
        return ticket


async def fire_due_timers(
    *, uow: SqlUnitOfWork, timers: list[DueTimer], now: datetime, settings: SlaSettings
) -> None:
    """The scheduler's handler: let each ticket record what is due, in one batch."""
    assert isinstance(uow, ComplaintsUnitOfWork)
    tickets = await uow.tickets.get_many(timer.key for timer in timers)
    ctx = await sla_context(uow, settings)
    for count, ticket in enumerate(tickets.values(), start=1):
        ticket.process_due(now=now, ctx=ctx)
        if count % YIELD_EVERY == 0:
            await asyncio.sleep(0)
    await save_changes(uow=uow, changed=list(tickets.values()), ctx=ctx, now=now, settings=settings)


async def stage_coming_events(
    *, uow: SqlUnitOfWork, keys: list[str], now: datetime, until: datetime, settings: SlaSettings
) -> None:
    """The scheduler's stager: tickets whose timers came within reach stage their events."""
    assert isinstance(uow, ComplaintsUnitOfWork)
    # Locked (a change waits for the staging) but not remembered: nothing is saved.
    tickets = await uow.tickets.get_many(keys, remember=False)
    ctx = await sla_context(uow, settings)
    await stage_events(uow=uow, tickets=tickets.values(), ctx=ctx, now=now, until=until)


async def stage_events(
    *,
    uow: ComplaintsUnitOfWork,
    tickets: Iterable[Ticket],
    ctx: SlaContext,
    now: datetime,
    until: datetime,
) -> None:
    """Stage what the tickets will reach after `now`, up to `until`, each at its moment."""
    for count, ticket in enumerate(tickets, start=1):
        for event in ticket.foresee(now=now, until=until, ctx=ctx):
            uow.published.stage(ticket, event)
        if count % YIELD_EVERY == 0:
            # The relay shares the event loop: staged events due meanwhile must not wait for
            # a whole batch's CPU work (decision 0015).
            await asyncio.sleep(0)


async def save_changes(
    *,
    uow: ComplaintsUnitOfWork,
    changed: Sequence[Ticket],
    ctx: SlaContext,
    now: datetime,
    settings: SlaSettings,
) -> None:
    """Publish the tickets' new events, bring their timers in line, save them, and stage what
    they will reach within `stage_ahead`."""
    for ticket in changed:
        for event in ticket.events:
            # Counted when the event is recorded (once: the state records it once), even if
            # its staged copy was published at its moment already.
            count_in_metrics(ticket, event)
    await uow.published.record(changed)
    for ticket in changed:
        ticket.events.clear()
    await uow.timers.set_pending(
        [ticket.id for ticket in changed],
        {
            (ticket.id, kind): due
            for ticket in changed
            for kind, due in ticket.due_moments(ctx).items()
        },
    )
    await uow.tickets.save(changed, now=now)
    until = now + settings.stage_ahead
    await stage_events(uow=uow, tickets=changed, ctx=ctx, now=now, until=until)
    await uow.timers.mark_staged([ticket.id for ticket in changed], until=until, now=now)


def count_in_metrics(ticket: Ticket, event: DomainEvent) -> None:
    """The SLA metrics of a recorded event."""
    if isinstance(event, ClockBreached):
        SLA_BREACHES.labels(event.clock, str(ticket.severity)).inc()
    elif isinstance(event, ClockWarning):
        SLA_WARNINGS.labels(event.clock, str(event.threshold)).inc()
    elif isinstance(event, TicketEscalated):
        ESCALATIONS.labels(str(event.level)).inc()


async def update_calendar(
    *, uow: ComplaintsUnitOfWork, command: UpdateCalendar, clock: Clock, settings: SlaSettings
) -> BusinessCalendar:
    """Create or edit a calendar; running clocks on it keep time used and get new deadlines."""
    async with uow:
        await uow.calendars.lock(command.name)
        ctx = await sla_context(uow, settings)
        old = ctx.calendars.get(command.name)
        new = calendar_from_document(
            name=command.name,
            version=(old.version + 1) if old else 1,
            time_zone=command.time_zone,
            week=command.week,
            holidays=command.holidays,
        )
        affected = (
            await uow.tickets.get_many(await uow.tickets.ids_with_started_clocks_on(command.name))
            if old is not None
            else {}
        )
        # Only after loading the tickets (see run_ticket_command).
        now = clock.now()
        await uow.calendars.save(new, actor=command.actor, now=now)
        if old is not None:
            for ticket in affected.values():
                ticket.rebase_calendar(calendar=command.name, at=now, old=old, new=new, ctx=ctx)
            new_ctx = replace(ctx, calendars={**ctx.calendars, command.name: new})
            await save_changes(
                uow=uow, changed=list(affected.values()), ctx=new_ctx, now=now, settings=settings
            )
        await uow.commit()
        return new


async def publish_policy(
    *, uow: ComplaintsUnitOfWork, command: PublishPolicy, clock: Clock
) -> SlaPolicy:
    """A new policy version; open tickets keep the version they were filed under."""
    async with uow:
        version = await uow.policies.next_version()
        policy = policy_from_document(version, command.document)
        known = await uow.calendars.all()
        missing = policy.calendars() - set(known)
        if missing:
            raise InvalidInput(
                _("the policy names calendars that do not exist: %(calendars)s")
                % {"calendars": sorted(missing)}
            )
        await uow.policies.add(
            policy, actor=command.actor, activate=command.activate, now=clock.now()
        )
        await uow.commit()
        return policy


async def activate_policy(*, uow: ComplaintsUnitOfWork, command: ActivatePolicy) -> None:
    async with uow:
        if not await uow.policies.activate(command.version):
            raise NotFound(_("no policy version %(version)s") % {"version": command.version})
        await uow.commit()


async def add_standard_answer(*, uow: ComplaintsUnitOfWork, command: AddStandardAnswer) -> int:
    if command.category not in CATEGORIES:
        raise InvalidInput(
            _("category must be one of %(categories)s") % {"categories": ", ".join(CATEGORIES)}
        )
    if not command.title.strip() or not command.body.strip():
        raise InvalidInput(_("a standard answer needs a title and a body"))
    async with uow:
        answer_id = await uow.standard_answers.add(
            category=command.category, title=command.title.strip(), body=command.body.strip()
        )
        await uow.commit()
        return answer_id


def _account_changes(data: Any) -> dict[str, Any]:
    match data:
        case accounts_v1.AccountRegistered():
            return {
                "name": data.name,
                "registered": True,
                "account_manager": data.account_manager,
                "updated_at": data.registered_at,
            }
        case accounts_v1.AccountUpdated():
            return {
                "name": data.name,
                "account_manager": data.account_manager,
                "updated_at": data.updated_at,
            }
        case accounts_v1.AccountClassified():
            return {
                "tier": data.value_class,
                "frequency_class": data.frequency_class,
                "updated_at": data.classified_at,
            }
        case accounts_v1.AccountVipGranted():
            return {"vip": True, "updated_at": data.granted_at}
        case accounts_v1.AccountVipRevoked():
            return {"vip": False, "updated_at": data.revoked_at}
    return {}


async def apply_account_events(
    *, uow: ComplaintsUnitOfWork, consumer: str, events: Sequence[ReceivedEvent], clock: Clock
) -> None:
    """Keep the local read model of accounts (name, manager, tier, VIP) and carry out erasures;
    duplicates change nothing."""
    async with uow:
        fresh = await uow.inbox.claim_new(consumer=consumer, event_ids=[e.id for e in events])
        merged: dict[str, dict[str, Any]] = {}
        erasures: list[accounts_v1.AccountContactsErased] = []
        # One account's events come from one partition, in order: fold them in that order.
        for event in events:
            if event.id not in fresh:
                continue
            if isinstance(event.data, accounts_v1.AccountContactsErased):
                erasures.append(event.data)
            changes = _account_changes(event.data)
            # Other account events (cards, lifecycle...) say nothing complaints keeps.
            if changes:
                account_id = event.data.subject()
                merged.setdefault(account_id, {"account_id": account_id}).update(changes)
        await uow.accounts.upsert(list(merged.values()))
        for erasure in erasures:
            await erase_account_text(uow, erasure, now=clock.now())
        await uow.commit()


async def erase_account_text(
    uow: ComplaintsUnitOfWork, erasure: accounts_v1.AccountContactsErased, *, now: datetime
) -> None:
    """Anonymise the account's tickets and report it done, in the caller's transaction. The
    contact is free text, naming nobody by reference: whatever the scope, every ticket of the
    account loses its personal text (decision 0020)."""
    await uow.tickets.erase_personal_text(erasure.account_id)
    uow.outbox.add(erasure_completed(erasure, service=SOURCE, at=now))

"""The complaint ticket: its flow, its SLA clocks, escalation and the history of who did what.

Flow (DOMAIN.md §3): received -> acknowledged -> investigating -> solution_proposed -> resolved
-> follow_up -> closed; a closed ticket can be reopened (back to investigating). Steps reach
milestones, and milestones start and stop clocks (CLOCK_SPANS). Every step first catches up
with time: a warning or breach due before the step is recorded before the step.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal, get_args

from chassis.messages import N_, _
from complaints.domain.calendar import WALL_TIME, BusinessCalendar, TimeMeasure
from complaints.domain.clocks import SlaClock
from complaints.domain.errors import InvalidInput, InvalidTransition
from complaints.domain.events import (
    ClockBreached,
    ClockEvent,
    DomainEvent,
    TicketAcknowledged,
    TicketAssigned,
    TicketClosed,
    TicketEscalated,
    TicketFiled,
    TicketReopened,
    TicketResolved,
    TimedEvent,
)
from complaints.domain.policy import (
    CATEGORIES,
    CLOCK_NAMES,
    Category,
    ClockName,
    SlaPolicy,
    TicketProfile,
    Tier,
)

Status = Literal[
    "received",
    "acknowledged",
    "investigating",
    "solution_proposed",
    "resolved",
    "follow_up",
    "closed",
]
STATUSES: tuple[Status, ...] = get_args(Status)
UNRESOLVED: frozenset[Status] = frozenset(
    {"received", "acknowledged", "investigating", "solution_proposed"}
)
Channel = Literal["hotline", "online", "email", "visit", "social"]
CHANNELS: tuple[Channel, ...] = get_args(Channel)
Department = Literal["sales", "quality", "logistics", "finance"]
DEPARTMENTS: tuple[Department, ...] = get_args(Department)
Remedy = Literal["replace", "repair", "refund", "compensation", "explanation"]
REMEDIES: tuple[Remedy, ...] = get_args(Remedy)
Milestone = Literal[
    "filed",
    "acknowledged",
    "confirmed",
    "resolved",
    "closed",
    "return_reviewed",
    "replacement_approved",
    "replacement_shipped",
    "goods_received",
    "refund_paid",
    "regulator_reported",
]

# Which milestone starts and which stops each clock.
CLOCK_SPANS: dict[ClockName, tuple[Milestone, Milestone]] = {
    "respond": ("filed", "acknowledged"),
    "confirm": ("filed", "confirmed"),
    "resolve": ("filed", "resolved"),
    "feedback": ("resolved", "closed"),
    "return_review": ("filed", "return_reviewed"),
    "replacement": ("replacement_approved", "replacement_shipped"),
    "refund": ("goods_received", "refund_paid"),
    "regulator": ("filed", "regulator_reported"),
}
MAX_TEXT = 5000
SYSTEM = "system"

# The kinds of a ticket's scheduler timers: one per running clock, and the ops escalation.
ESCALATION_TIMER = "escalation"


def clock_timer(clock: str) -> str:
    """The timer kind of a clock's next due moment (warning or breach)."""
    return f"clock:{clock}"


# The history details that hold what people wrote (solutions, causes, reasons, notes), which an
# erasure anonymises; the others are codes, staff ids and times.
PERSONAL_DETAILS = ("solution", "root_cause", "reason", "note")


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    detail: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SlaContext:
    """What the clocks need besides the ticket: the calendars and the escalation delay."""

    calendars: Mapping[str, BusinessCalendar]
    ops_escalation_after: timedelta

    def measure(self, calendar: str | None) -> TimeMeasure:
        if calendar is None:
            return WALL_TIME
        try:
            return self.calendars[calendar]
        except KeyError:
            raise InvalidInput(
                _("calendar %(calendar)r does not exist") % {"calendar": calendar}
            ) from None


@dataclass(frozen=True)
class AccountView:
    """What the complaints service knows about an account (from the accounts events)."""

    account_id: str
    name: str
    tier: Tier | None
    vip: bool


def _text(value: str | None, what: str, *, required: bool = True) -> str | None:
    """`value` trimmed; `what` names it in a refusal (English, marked `N_`, shown translated)."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise InvalidInput(_("%(what)s is required") % {"what": _(what)})
    if len(cleaned) > MAX_TEXT:
        raise InvalidInput(
            _("%(what)s is longer than %(limit)s characters") % {"what": _(what), "limit": MAX_TEXT}
        )
    return cleaned or None


def _choice(value: str | None, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise InvalidInput(
            _("%(what)s must be one of %(allowed)s; got %(value)r")
            % {"what": _(what), "allowed": ", ".join(allowed), "value": value}
        )
    return value


@dataclass
class Ticket:
    id: str
    account_id: str
    contact: str
    channel: Channel
    category: Category
    severity: int
    description: str
    order_refs: tuple[str, ...]
    policy_version: int
    tier: Tier | None
    vip: bool
    opened_at: datetime
    opened_by: str
    status: Status = "received"
    department: Department | None = None
    handler: str | None = None
    remedy: Remedy | None = None
    solution: str | None = None
    root_cause: str | None = None
    satisfaction: int | None = None
    escalation_level: int = 0
    ops_escalation_due: datetime | None = None
    reopen_count: int = 0
    repeat_count: int = 0
    cause_repeat_count: int = 0
    milestones: dict[str, datetime] = field(default_factory=dict)
    clocks: dict[ClockName, SlaClock] = field(default_factory=dict)
    events: list[DomainEvent] = field(default_factory=list, repr=False)
    history: list[HistoryEntry] = field(default_factory=list, repr=False)

    @classmethod
    def file(
        cls,
        *,
        ticket_id: str,
        account: AccountView,
        contact: str,
        channel: str,
        category: str,
        severity: int,
        description: str,
        order_refs: tuple[str, ...],
        policy: SlaPolicy,
        ctx: SlaContext,
        at: datetime,
        actor: str,
        repeat_count: int = 0,
    ) -> "Ticket":
        """Open a ticket: targets come from the policy for the account's tier and VIP now."""
        if severity not in (1, 2, 3):
            raise InvalidInput(_("severity must be 1 (severe), 2 (defect) or 3 (minor)"))
        profile = TicketProfile(
            severity=severity,
            category=_choice(category, CATEGORIES, N_("category")),  # type: ignore[arg-type]
            tier=account.tier,
            vip=account.vip,
        )
        ticket = cls(
            id=ticket_id,
            account_id=account.account_id,
            contact=_text(contact, N_("contact")) or "",
            channel=_choice(channel, CHANNELS, N_("channel")),  # type: ignore[arg-type]
            category=profile.category,
            severity=severity,
            description=_text(description, N_("description")) or "",
            order_refs=tuple(ref.strip() for ref in order_refs if ref.strip()),
            policy_version=policy.version,
            tier=account.tier,
            vip=account.vip,
            opened_at=at,
            opened_by=actor,
            repeat_count=repeat_count,
        )
        ticket.clocks = {
            name: SlaClock(name, target, policy.warning_thresholds)
            for name, target in policy.targets_for(profile).items()
        }
        for target in ticket.clocks.values():
            ctx.measure(target.target.calendar)
        ticket.events.append(TicketFiled(at, actor))
        ticket._record(at, actor, "filed", severity=str(severity), category=category)
        ticket._reach("filed", at, ctx)
        return ticket

    # ----- the flow -------------------------------------------------------------------------

    def acknowledge(self, *, at: datetime, actor: str, ctx: SlaContext) -> None:
        self._step(at, ctx, {"received"}, N_("acknowledge"))
        self.status = "acknowledged"
        self.events.append(TicketAcknowledged(at, actor))
        self._record(at, actor, "acknowledged")
        self._reach("acknowledged", at, ctx)

    def investigate(
        self, *, at: datetime, actor: str, ctx: SlaContext, department: str | None = None
    ) -> None:
        """The issue is confirmed and recorded, and sent to the department concerned."""
        self._step(at, ctx, {"acknowledged"}, N_("investigate"))
        if department is not None:
            self._assign(at, actor, department, self.handler)
        if self.department is None:
            raise InvalidInput(_("name the department that investigates (or assign one first)"))
        self.status = "investigating"
        self._record(at, actor, "investigating", department=self.department)
        self._reach("confirmed", at, ctx)

    def assign(
        self, *, at: datetime, actor: str, ctx: SlaContext, department: str, handler: str | None
    ) -> None:
        self._step(at, ctx, set(STATUSES) - {"closed"}, N_("assign"))
        self._assign(at, actor, department, handler)

    def _assign(self, at: datetime, actor: str, department: str, handler: str | None) -> None:
        chosen = _choice(department, DEPARTMENTS, N_("department"))
        self.department = chosen  # type: ignore[assignment]
        self.handler = _text(handler, N_("handler"), required=False)
        self.events.append(TicketAssigned(at, actor, chosen, self.handler))
        self._record(at, actor, "assigned", department=department, handler=self.handler or "")

    def propose_solution(
        self, *, at: datetime, actor: str, ctx: SlaContext, remedy: str, solution: str
    ) -> None:
        self._step(at, ctx, {"investigating"}, N_("propose a solution"))
        self.remedy = _choice(remedy, REMEDIES, N_("remedy"))  # type: ignore[assignment]
        self.solution = _text(solution, N_("solution"))
        self.status = "solution_proposed"
        self._record(at, actor, "solution_proposed", remedy=remedy, solution=self.solution or "")

    def reject_solution(self, *, at: datetime, actor: str, ctx: SlaContext, reason: str) -> None:
        """The customer did not agree: back to investigating."""
        self._step(at, ctx, {"solution_proposed"}, N_("reject the solution"))
        why = _text(reason, "reason") or ""
        self.status = "investigating"
        self._record(at, actor, "solution_rejected", reason=why)

    def resolve(
        self,
        *,
        at: datetime,
        actor: str,
        ctx: SlaContext,
        root_cause: str,
        cause_repeat_count: int = 0,
    ) -> None:
        self._step(at, ctx, {"solution_proposed"}, N_("resolve"))
        self.root_cause = _text(root_cause, N_("root cause"))
        self.cause_repeat_count = cause_repeat_count
        self.status = "resolved"
        self.events.append(TicketResolved(at, actor))
        self._record(at, actor, "resolved", root_cause=self.root_cause or "")
        self._reach("resolved", at, ctx)

    def follow_up(self, *, at: datetime, actor: str, ctx: SlaContext, note: str) -> None:
        """The customer was told the result."""
        self._step(at, ctx, {"resolved"}, N_("follow up"))
        self.status = "follow_up"
        self._record(at, actor, "followed_up", note=_text(note, N_("note"), required=False) or "")

    def close(self, *, at: datetime, actor: str, ctx: SlaContext, satisfaction: int | None) -> None:
        self._step(at, ctx, {"follow_up"}, N_("close"))
        if satisfaction is not None and satisfaction not in range(1, 6):
            raise InvalidInput(_("satisfaction is a score from 1 to 5"))
        self.satisfaction = satisfaction
        self.status = "closed"
        self.events.append(TicketClosed(at, actor))
        self._record(at, actor, "closed", satisfaction=str(satisfaction or ""))
        self._reach("closed", at, ctx)

    def reopen(self, *, at: datetime, actor: str, ctx: SlaContext, reason: str) -> None:
        """Back to investigating; resolve and feedback start a new cycle with full targets."""
        self._step(at, ctx, {"closed"}, N_("reopen"))
        why = _text(reason, "reason") or ""
        self.status = "investigating"
        self.reopen_count += 1
        self.escalation_level = 0
        self.ops_escalation_due = None
        for milestone in ("resolved", "closed"):
            self.milestones.pop(milestone, None)
        for name, clock in self.clocks.items():
            if name in ("resolve", "feedback"):
                clock.restart(at, ctx.measure(clock.target.calendar), start=name == "resolve")
        self.events.append(TicketReopened(at, actor))
        self._record(at, actor, "reopened", reason=why)

    # ----- returns --------------------------------------------------------------------------

    def review_return(self, *, at: datetime, actor: str, ctx: SlaContext, remedy: str) -> None:
        """The return request was reviewed: goods are replaced or refunded."""
        self._returns_step(at, ctx, needs=None, done="return_reviewed")
        self.remedy = _choice(remedy, ("replace", "refund"), N_("return remedy"))  # type: ignore[assignment]
        self._record(at, actor, "return_reviewed", remedy=remedy)
        self._reach("return_reviewed", at, ctx)
        if remedy == "replace":
            self._reach("replacement_approved", at, ctx)

    def record_goods_received(self, *, at: datetime, actor: str, ctx: SlaContext) -> None:
        self._returns_step(at, ctx, needs="return_reviewed", done="goods_received")
        self._record(at, actor, "goods_received")
        if self.remedy == "refund":
            self._reach("goods_received", at, ctx)
        else:
            self.milestones["goods_received"] = at

    def record_replacement_shipped(self, *, at: datetime, actor: str, ctx: SlaContext) -> None:
        self._returns_step(at, ctx, needs="replacement_approved", done="replacement_shipped")
        self._record(at, actor, "replacement_shipped")
        self._reach("replacement_shipped", at, ctx)

    def record_refund_paid(self, *, at: datetime, actor: str, ctx: SlaContext) -> None:
        if self.remedy != "refund":
            raise InvalidTransition(_("the return was not reviewed as a refund"))
        self._returns_step(at, ctx, needs="goods_received", done="refund_paid")
        self._record(at, actor, "refund_paid")
        self._reach("refund_paid", at, ctx)

    def _returns_step(
        self, at: datetime, ctx: SlaContext, *, needs: Milestone | None, done: Milestone
    ) -> None:
        self._step(at, ctx, set(STATUSES) - {"closed"}, done.replace("_", " "))
        if self.category != "returns":
            raise InvalidTransition(_("return steps apply only to tickets of category returns"))
        if done in self.milestones:
            raise InvalidTransition(
                _("%(step)s was already recorded") % {"step": _(done.replace("_", " "))}
            )
        if needs is not None and needs not in self.milestones:
            raise InvalidTransition(
                _("%(step)s must come first") % {"step": _(needs.replace("_", " "))}
            )

    # ----- the regulator ----------------------------------------------------------------------

    def report_to_regulator(
        self, *, at: datetime, actor: str, ctx: SlaContext, reference: str
    ) -> None:
        """A product-safety issue was reported to the regulator (its own clock, DOMAIN.md §3);
        it may be recorded in any status, closed included."""
        self.clock("regulator")
        self._step(at, ctx, STATUSES, N_("report to the regulator"))
        if "regulator_reported" in self.milestones:
            raise InvalidTransition(_("the report to the regulator was already recorded"))
        filed_as = _text(reference, N_("the regulator's reference")) or ""
        self._record(at, actor, "regulator_reported", reference=filed_as)
        self._reach("regulator_reported", at, ctx)

    # ----- clocks ---------------------------------------------------------------------------

    def clock(self, name: str) -> SlaClock:
        if name not in CLOCK_NAMES:
            raise InvalidInput(
                _("unknown clock %(clock)r; clocks are %(clocks)s")
                % {"clock": name, "clocks": ", ".join(CLOCK_NAMES)}
            )
        found = self.clocks.get(name)
        if found is None:
            raise InvalidInput(
                _("this ticket has no %(clock)s clock under its policy")
                % {"clock": _(name.replace("_", " "))}
            )
        return found

    def pause_clock(
        self, *, name: str, at: datetime, actor: str, ctx: SlaContext, reason: str
    ) -> None:
        """Stop counting a clock while the ticket waits (on the customer, for instance)."""
        clock = self.clock(name)
        why = _text(reason, "reason") or ""
        self.process_due(now=at, ctx=ctx)
        clock.pause(at, why, ctx.measure(clock.target.calendar))
        self._record(at, actor, "clock_paused", clock=name, reason=why)

    def resume_clock(self, *, name: str, at: datetime, actor: str, ctx: SlaContext) -> None:
        clock = self.clock(name)
        self.process_due(now=at, ctx=ctx)
        clock.resume(at, ctx.measure(clock.target.calendar))
        self._record(at, actor, "clock_resumed", clock=name)

    def process_due(self, *, now: datetime, ctx: SlaContext) -> None:
        """Record every warning, breach and escalation due at `now`, each exactly once and at
        the moment it fell due."""
        for name in CLOCK_NAMES:
            clock = self.clocks.get(name)
            if clock is None:
                continue
            for event in clock.fire_due(now, ctx.measure(clock.target.calendar)):
                self.events.append(event)
                if isinstance(event, ClockBreached):
                    self._record(event.at, SYSTEM, "sla_breached", clock=name)
                    self._escalate_on_breach(event, ctx)
                else:
                    self._record(event.at, SYSTEM, "sla_warning", clock=name)
        due = self.ops_escalation_due
        if due is not None and due <= now:
            self.ops_escalation_due = None
            still_breached = [
                clock.name
                for clock in self.clocks.values()
                if clock.breached_at is not None and clock.state != "stopped"
            ]
            if still_breached and self.status != "closed" and self.escalation_level < 2:
                self.escalation_level = 2
                self.events.append(TicketEscalated(2, still_breached[0], due, self.reopen_count))
                self._record(due, SYSTEM, "escalated", to="ops", clock=still_breached[0])

    def copy(self) -> "Ticket":
        """A copy that can change without changing this ticket. Everything but the containers
        is immutable (datetimes, strings, frozen dataclasses), so the containers and the clocks
        are copied and the rest is shared: a deep copy cost most of staging's CPU."""
        return replace(
            self,
            milestones=dict(self.milestones),
            clocks={name: replace(clock) for name, clock in self.clocks.items()},
            events=list(self.events),
            history=list(self.history),
        )

    def foresee(self, *, now: datetime, until: datetime, ctx: SlaContext) -> list[TimedEvent]:
        """The warnings, breaches and escalations that will happen after `now`, up to `until`,
        if nothing changes the ticket meanwhile: each due moment in turn, on a copy."""
        future = self.copy()
        future.process_due(now=now, ctx=ctx)
        future.events.clear()
        foreseen: list[TimedEvent] = []
        moment = now
        while True:
            upcoming = [due for due in future.due_moments(ctx).values() if due > moment]
            moment = min(upcoming, default=until)
            if not upcoming or moment > until:
                return foreseen
            future.process_due(now=moment, ctx=ctx)
            foreseen += [event for event in future.events if isinstance(event, TimedEvent)]
            future.events.clear()

    def _escalate_on_breach(self, breach: ClockBreached, ctx: SlaContext) -> None:
        if self.escalation_level >= 1:
            return
        self.escalation_level = 1
        self.ops_escalation_due = breach.at + ctx.ops_escalation_after
        self.events.append(TicketEscalated(1, breach.clock, breach.at, self.reopen_count))
        self._record(breach.at, SYSTEM, "escalated", to="supervisor", clock=breach.clock)

    def due_moments(self, ctx: SlaContext) -> dict[str, datetime]:
        """When this ticket next needs the scheduler: per running clock, and for escalation."""
        moments: dict[str, datetime] = {}
        for name, clock in self.clocks.items():
            due = clock.next_due(ctx.measure(clock.target.calendar))
            if due is not None:
                moments[clock_timer(name)] = due
        if self.ops_escalation_due is not None:
            moments[ESCALATION_TIMER] = self.ops_escalation_due
        return moments

    def rebase_calendar(
        self,
        *,
        calendar: str,
        at: datetime,
        old: BusinessCalendar,
        new: BusinessCalendar,
        ctx: SlaContext,
    ) -> None:
        """A calendar was edited: running clocks on it keep the time used and recount the rest.

        What fell due under the old calendar is recorded first.
        """
        self.process_due(now=at, ctx=replace(ctx, calendars={**ctx.calendars, calendar: old}))
        for clock in self.clocks.values():
            if clock.target.calendar == calendar:
                clock.rebase(at, old, new)

    def next_deadline(self) -> datetime | None:
        """The earliest deadline of a running clock, passed ones included (the queue's order)."""
        deadlines = [
            clock.deadline
            for clock in self.clocks.values()
            if clock.running and clock.deadline is not None
        ]
        return min(deadlines, default=None)

    # ----- internals ------------------------------------------------------------------------

    def _step(self, at: datetime, ctx: SlaContext, allowed: Collection[str], action: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(
                _("cannot %(action)s a ticket that is %(status)s")
                % {"action": _(action), "status": _(self.status.replace("_", " "))}
            )
        self.process_due(now=at, ctx=ctx)

    def _reach(self, milestone: Milestone, at: datetime, ctx: SlaContext) -> None:
        self.milestones[milestone] = at
        events: list[ClockEvent] = []
        for name, (starts_on, stops_on) in CLOCK_SPANS.items():
            clock = self.clocks.get(name)
            if clock is None:
                continue
            measure = ctx.measure(clock.target.calendar)
            if stops_on == milestone:
                events += clock.stop(at, measure)
            if starts_on == milestone:
                clock.start(at, measure)
        for event in events:
            self.events.append(event)
            self._record(at, SYSTEM, "sla_met", clock=event.clock)

    def _record(self, at: datetime, actor: str, action: str, **detail: str) -> None:
        self.history.append(HistoryEntry(at, actor, action, detail))

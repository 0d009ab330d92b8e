"""What a person sees of a ticket's clocks at a moment: used, paused, remaining, outcome."""

from datetime import datetime
from typing import Any

from complaints.domain.clocks import SlaClock
from complaints.domain.scope import Visibility
from complaints.domain.tickets import CLOCK_SPANS, SlaContext, Ticket
from complaints.service_layer.handlers import SlaSettings, sla_context
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork


def clock_view(clock: SlaClock, *, ctx: SlaContext, now: datetime) -> dict[str, Any]:
    measure = ctx.measure(clock.target.calendar)
    used = clock.used(now, measure)
    remaining = clock.remaining(now, measure)
    paused = clock.paused_total
    if clock.state == "paused" and clock.paused_since is not None:
        paused += now - clock.paused_since
    starts_on, stops_on = CLOCK_SPANS[clock.name]
    breached_at = clock.breached_at_as_of(now)
    return {
        "clock": clock.name,
        "state": clock.state,
        "outcome": "breached" if breached_at is not None else clock.outcome,
        "cycle": clock.cycle,
        "target": clock.target.describe(),
        "calendar": clock.target.calendar,
        "pausable": clock.target.pausable,
        "starts_on": starts_on,
        "stops_on": stops_on,
        "started_at": clock.started_at,
        "deadline": clock.deadline,
        "budget_seconds": clock.budget.total_seconds() if clock.budget is not None else None,
        "used_seconds": used.total_seconds(),
        "remaining_seconds": remaining.total_seconds() if remaining is not None else None,
        "paused_seconds": paused.total_seconds(),
        "paused_since": clock.paused_since,
        "pause_reason": clock.pause_reason,
        "warnings_fired": clock.warnings_fired,
        "thresholds": list(clock.thresholds),
        "breached_at": breached_at,
        "stopped_at": clock.stopped_at,
    }


def clock_views(ticket: Ticket, *, ctx: SlaContext, now: datetime) -> list[dict[str, Any]]:
    order = list(CLOCK_SPANS)
    return [
        clock_view(ticket.clocks[name], ctx=ctx, now=now)
        for name in sorted(ticket.clocks, key=order.index)
    ]


async def ticket_detail(
    *,
    uow: ComplaintsUnitOfWork,
    ticket_id: str,
    visible_to: Visibility,
    settings: SlaSettings,
    now: datetime,
) -> dict[str, Any] | None:
    """A ticket with its account name, history and every clock as of `now`, if it is in
    `visible_to`."""
    row = await uow.queries.ticket(ticket_id, visible_to=visible_to)
    ticket = await uow.tickets.get(ticket_id, visible_to=visible_to, lock=False)
    if row is None or ticket is None:
        return None
    row["clocks"] = clock_views(ticket, ctx=await sla_context(uow, settings), now=now)
    return row

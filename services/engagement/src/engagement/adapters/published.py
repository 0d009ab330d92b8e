"""Domain results -> the published engagement contract (ids, classes, dates; no names)."""

from datetime import datetime

from contracts import engagement_v1 as v1
from contracts.envelope import EventData
from engagement.domain import events as domain
from engagement.domain.plan import PlanItem
from engagement.domain.visits import Feedback, Target, Visit


def item_contract(item: PlanItem, event: domain.ItemEvent) -> EventData:
    base = {"item_id": item.item_id, "account_id": item.account_id, "owner": item.owner}
    match event:
        case domain.ItemPlanned(at=at):
            return v1.PlanItemPlanned(
                **base,
                kind=item.kind,
                origin=item.origin,
                due_on=item.due_on,
                window_start=item.window_start,
                window_end=item.window_end,
                policy_version=item.policy_version,
                trigger=item.trigger,
                planned_at=at,
            )
        case domain.ItemConfirmed(at=at, actor=actor):
            return v1.PlanItemConfirmed(
                **base, due_on=item.due_on, confirmed_by=actor, confirmed_at=at
            )
        case domain.ItemRescheduled(
            at=at,
            actor=actor,
            previous_due_on=previous,
            requested_by=requested_by,
            reason=reason,
            account_count=account_count,
        ):
            return v1.PlanItemRescheduled(
                **base,
                previous_due_on=previous,
                due_on=item.due_on,
                window_end=item.window_end,
                requested_by=requested_by,
                reason=reason,
                reschedule_count=item.reschedule_count,
                account_reschedule_count=account_count,
                rescheduled_by=actor,
                rescheduled_at=at,
            )
        case domain.ItemDone(at=at, on_time=on_time):
            return v1.PlanItemDone(
                **base,
                kind=item.kind,
                origin=item.origin,
                due_on=item.due_on,
                window_end=item.window_end,
                on_time=on_time,
                visit_id=item.visit_id,
                done_at=at,
            )
        case domain.ItemMissed(at=at):
            return v1.PlanItemMissed(
                **base,
                kind=item.kind,
                origin=item.origin,
                due_on=item.due_on,
                window_end=item.window_end,
                missed_at=at,
            )
        case domain.ItemCancelled(at=at, by=by, reason=reason):
            return v1.PlanItemCancelled(
                **base,
                kind=item.kind,
                origin=item.origin,
                due_on=item.due_on,
                cancelled_by=by,
                reason=reason,
                replaced_by=item.replaced_by,
                cancelled_at=at,
            )
    raise TypeError(f"no contract for {event!r}")


def visit_contract(visit: Visit) -> v1.VisitLogged:
    return v1.VisitLogged(
        visit_id=visit.visit_id,
        account_id=visit.account_id,
        manager=visit.manager,
        item_id=visit.item_id,
        occurred_on=visit.occurred_on,
        channel=visit.channel,
        duration_minutes=visit.duration_minutes,
        outcome=visit.outcome,
        next_step_item_id=visit.next_step_item_id,
        next_step_due_on=visit.next_step.due_on if visit.next_step else None,
        logged_at=visit.logged_at,
    )


def feedback_contract(answer: Feedback) -> v1.FeedbackRecorded:
    return v1.FeedbackRecorded(
        feedback_id=answer.feedback_id,
        account_id=answer.account_id,
        csat=answer.csat,
        nps=answer.nps,
        context=answer.context,
        responded_at=answer.responded_at,
        manager=answer.manager,
        visit_id=answer.visit_id,
        ticket_id=answer.ticket_id,
    )


def target_contract(target: Target) -> v1.TargetSet:
    return v1.TargetSet(
        manager=target.manager,
        month=target.month.strftime("%Y-%m"),
        amount=target.amount,
        currency=target.currency,
        set_by=target.set_by,
        set_at=target.set_at,
    )


def reassigned_contract(
    *, account_id: str, previous: str | None, owner: str | None, item_ids: list[str], at: datetime
) -> v1.PlanItemsReassigned:
    return v1.PlanItemsReassigned(
        account_id=account_id,
        previous_owner=previous,
        owner=owner,
        item_ids=item_ids,
        reassigned_at=at,
    )

"""The visit log, satisfaction feedback and sales targets."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import upsert_statement
from engagement.adapters.tables import feedback, targets, visits
from engagement.domain.visits import Feedback, Target, Visit


class VisitRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_visit(self, visit: Visit) -> None:
        await self._session.execute(
            visits.insert().values(
                visit_id=visit.visit_id,
                account_id=visit.account_id,
                manager=visit.manager,
                item_id=visit.item_id,
                occurred_on=visit.occurred_on,
                channel=visit.channel,
                contact_ref=visit.contact_ref,
                duration_minutes=visit.duration_minutes,
                outcome=visit.outcome,
                notes=visit.notes,
                next_step=visit.next_step.note if visit.next_step else "",
                next_step_item_id=visit.next_step_item_id,
                logged_at=visit.logged_at,
            )
        )

    async def visit_exists(self, visit_id: str) -> bool:
        found = await self._session.scalar(
            select(visits.c.visit_id).where(visits.c.visit_id == visit_id)
        )
        return found is not None

    async def add_feedback(self, answer: Feedback) -> None:
        await self._session.execute(
            feedback.insert().values(
                feedback_id=answer.feedback_id,
                account_id=answer.account_id,
                manager=answer.manager,
                context=answer.context,
                csat=answer.csat,
                nps=answer.nps,
                visit_id=answer.visit_id,
                ticket_id=answer.ticket_id,
                responded_at=answer.responded_at,
            )
        )

    async def set_target(self, target: Target) -> None:
        row = {
            "manager": target.manager,
            "month": target.month,
            "amount": target.amount,
            "currency": target.currency,
            "set_by": target.set_by,
            "set_at": target.set_at,
        }
        await self._session.execute(upsert_statement(targets, [row], ["manager", "month"]), [row])

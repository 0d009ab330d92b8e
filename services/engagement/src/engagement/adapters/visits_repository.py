"""The visit log, satisfaction feedback and sales targets."""

from collections.abc import Sequence

from sqlalchemy import select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.db import is_any_of, upsert_statement
from chassis.privacy import ERASED
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

    async def erase_notes(
        self, account_id: str, contact_refs: Sequence[str] | None
    ) -> tuple[list[str], list[str]]:
        """Anonymise the notes and next steps of the account's visits with these card contacts
        (None: every visit of the account); returns their ids and their next steps' item ids.
        The visit's facts (day, channel, outcome, its contact's reference) stay."""
        met = true() if contact_refs is None else is_any_of(visits.c.contact_ref, contact_refs)
        rows = (
            await self._session.execute(
                update(visits)
                .where(visits.c.account_id == account_id, met)
                .values(notes=ERASED, next_step=ERASED)
                .returning(visits.c.visit_id, visits.c.next_step_item_id)
            )
        ).all()
        return (
            [visit_id for visit_id, _ in rows],
            [item_id for _, item_id in rows if item_id is not None],
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

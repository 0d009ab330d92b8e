"""Engagement's plan kept as a local read model: the items that can still be open and each
account's last and next contact. One statement per kind of change, whatever the batch."""

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import account_contacts, plan_items
from accounts.domain.contacts import OPEN_STATES, NextContact, PlanChanges, PlanItem
from chassis.db import is_any_of, upsert_statement


class ContactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def save(self, changes: PlanChanges) -> None:
        """Write a folded batch: items whole, moves of known items, removals, last contacts."""
        if changes.removed:
            await self._session.execute(
                plan_items.delete().where(is_any_of(plan_items.c.item_id, changes.removed))
            )
        if changes.items:
            rows = [asdict(item) for item in changes.items.values()]
            await self._session.execute(upsert_statement(plan_items, rows, ["item_id"]), rows)
        if changes.moves:
            # An item never seen whole (its planned event came before this consumer) stays
            # unknown: its moves carry no kind or origin to show.
            await self._session.execute(
                update(plan_items)
                .where(plan_items.c.item_id == bindparam("b_item_id"))
                .values(state=bindparam("state"), due_on=bindparam("due_on"))
                .execution_options(synchronize_session=False),
                [
                    {"b_item_id": move.item_id, "state": move.state, "due_on": move.due_on}
                    for move in changes.moves.values()
                ],
            )
        if changes.last_contacts:
            statement = insert(account_contacts)
            await self._session.execute(
                statement.on_conflict_do_update(
                    index_elements=[account_contacts.c.account_id],
                    set_={
                        "last_contact_on": statement.excluded.last_contact_on,
                        "last_contact_channel": statement.excluded.last_contact_channel,
                    },
                    # A contact logged late for an earlier day is not the last one.
                    where=or_(
                        account_contacts.c.last_contact_on.is_(None),
                        account_contacts.c.last_contact_on <= statement.excluded.last_contact_on,
                    ),
                ),
                [
                    {
                        "account_id": contact.account_id,
                        "last_contact_on": contact.on,
                        "last_contact_channel": contact.channel,
                    }
                    for contact in changes.last_contacts.values()
                ],
            )

    async def open_items(self, account_ids: Iterable[str]) -> dict[str, list[PlanItem]]:
        """The accounts' open items (planned, confirmed, rescheduled)."""
        result = await self._session.execute(
            select(plan_items).where(
                is_any_of(plan_items.c.account_id, account_ids),
                is_any_of(plan_items.c.state, OPEN_STATES),
            )
        )
        found: dict[str, list[PlanItem]] = {}
        for row in result.mappings():
            found.setdefault(row["account_id"], []).append(PlanItem(**row))
        return found

    async def set_next(self, next_contacts: dict[str, NextContact | None]) -> None:
        """Each account's next contact; None clears it."""
        if not next_contacts:
            return
        rows = [
            {
                "account_id": account_id,
                "next_contact_due": contact.due_on if contact else None,
                "next_contact_kind": contact.kind if contact else None,
                "next_contact_origin": contact.origin if contact else None,
            }
            for account_id, contact in next_contacts.items()
        ]
        await self._session.execute(upsert_statement(account_contacts, rows, ["account_id"]), rows)

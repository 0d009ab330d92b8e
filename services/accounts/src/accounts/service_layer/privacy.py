"""Privacy: contacts' consent to marketing contact (DOMAIN.md §5)."""

from datetime import datetime
from typing import Any

from accounts.domain.cards import card_from_document
from accounts.domain.events import ConsentChanged
from accounts.domain.privacy import Consent, ConsentState, consent_problems
from accounts.service_layer.cards import require_account
from accounts.service_layer.commands import RecordConsent
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import NotFound, invalid
from chassis.messages import _


def current_consents(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The record in force for each contact (records newest first)."""
    current: dict[str, dict[str, Any]] = {}
    for record in records:
        current.setdefault(record["contact_id"], record)
    return current


async def record_consent(*, uow: AccountsUnitOfWork, command: RecordConsent, now: datetime) -> None:
    """Record a consent given or withdrawn by a contact of the current card, and publish it."""
    problems = consent_problems(command.state, command.channel, command.note)
    if problems:
        raise invalid(problems, "consent")
    state: ConsentState = "given" if command.state == "given" else "withdrawn"
    async with uow:
        await uow.locks.lock_accounts([command.account_id])
        await require_account(uow, command.account_id)
        stored = await uow.cards.current(command.account_id)
        card = card_from_document(stored["content"]) if stored else None
        if card is None or command.contact_id not in {c.contact_id for c in card.contacts}:
            raise NotFound(
                _("the card has no contact with id %(id)r") % {"id": command.contact_id},
                code="contact_not_found",
            )
        await uow.privacy.record_consent(
            Consent(
                account_id=command.account_id,
                contact_id=command.contact_id,
                state=state,
                channel=command.channel,
                recorded_by=command.actor.user,
                recorded_at=now,
                note=command.note.strip(),
            )
        )
        await uow.cards.log_access(
            account_id=command.account_id,
            actor=command.actor.user,
            action="change",
            what=f"consent of contact {command.contact_id}",
            purpose="consent record",
            at=now,
        )
        uow.publish(
            ConsentChanged(
                account_id=command.account_id,
                contact_id=command.contact_id,
                state=state,
                by=command.actor.user,
                at=now,
            )
        )
        await uow.commit()


async def read_consents(
    *, uow: AccountsUnitOfWork, account_id: str, actor: str, purpose: str, now: datetime
) -> list[dict[str, Any]]:
    """Every consent record of the account's contacts, newest first; the read is logged."""
    async with uow:
        await require_account(uow, account_id)
        records = await uow.privacy.consents(account_id)
        await uow.cards.log_access(
            account_id=account_id,
            actor=actor,
            action="read",
            what="consents",
            purpose=purpose,
            at=now,
        )
        await uow.commit()
    return records

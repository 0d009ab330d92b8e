"""Privacy (DOMAIN.md §5, decision 0020): contacts' consent to marketing contact, erasure of
contacts' personal data on request and of dormant accounts, and the erasure report."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from accounts.domain import timers
from accounts.domain.cards import card_from_document, card_to_document, key_dates_change
from accounts.domain.events import ConsentChanged, ContactsErased, KeyDatesChanged
from accounts.domain.privacy import (
    Consent,
    ConsentState,
    Erasure,
    ErasureReason,
    PrivacyRules,
    anonymised,
    anonymised_changes,
    consent_problems,
    contact_names,
)
from accounts.service_layer.cards import require_account
from accounts.service_layer.commands import EraseContacts, RecordConsent
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import NotFound, invalid
from chassis.kafka import ReceivedEvent
from chassis.messages import _
from contracts.privacy_v1 import ErasureCompleted


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


# Who erases a dormant account's contacts (the scheduler's job, not a person).
DORMANT_ERASER = "accounts"


async def _erase(
    uow: AccountsUnitOfWork,
    *,
    account_id: str,
    contact_id: str | None,
    reason: ErasureReason,
    why: str,
    by: str,
    now: datetime,
    services: Sequence[str],
) -> Erasure:
    """Anonymise the contacts in the current card and every past version, clear the notes
    kept with them, record the erasure (accounts done, `services` pending) and publish it. The
    account is locked by the caller."""
    stored = await uow.cards.current(account_id, for_update=True)
    versions = await uow.cards.versions(account_id)
    current = card_from_document(stored["content"]) if stored else None
    if contact_id is not None and (
        current is None or contact_id not in {c.contact_id for c in current.contacts}
    ):
        raise NotFound(
            _("the card has no contact with id %(id)r") % {"id": contact_id},
            code="contact_not_found",
        )
    only = None if contact_id is None else frozenset({contact_id})
    past = {v["version"]: card_from_document(v["content"]) for v in versions}
    names: set[str] = set()
    references: set[str] = set() if only is None else set(only)
    for card in past.values():
        names |= contact_names(card, only)
        if only is None:
            references |= {c.contact_id for c in card.contacts}
    erased_names = frozenset(names)
    new_current = anonymised(current, only, erased_names) if current is not None else None
    await uow.cards.rewrite(
        account_id,
        current=card_to_document(new_current) if new_current is not None else None,
        versions={
            v["version"]: (
                card_to_document(anonymised(past[v["version"]], only, erased_names)),
                anonymised_changes(v["changes"], only, erased_names),
            )
            for v in versions
        },
    )
    await uow.privacy.clear_consent_notes(account_id, sorted(references))
    if only is None:
        await uow.cards.clear_review_notes(account_id)
    erasure = Erasure(
        erasure_id=uuid.uuid4().hex,
        account_id=account_id,
        scope="account" if only is None else "contact",
        contact_ids=tuple(sorted(references)),
        reason=reason,
        why=why.strip(),
        requested_by=by,
        requested_at=now,
    )
    states: dict[str, datetime | None] = {"accounts": now, **{s: None for s in services}}
    await uow.privacy.add_erasure(erasure, states)
    await uow.cards.log_access(
        account_id=account_id,
        actor=by,
        action="erase",
        what="every contact" if only is None else f"contact {contact_id}",
        purpose=why.strip()[:200] or ("dormant account" if reason == "dormant" else "erasure"),
        at=now,
    )
    uow.publish(ContactsErased(erasure))
    # Birthdays went with the contacts: engagement's care touches follow the yearly dates.
    if stored is not None and current is not None and new_current is not None:
        moved = key_dates_change(current, new_current)
        if moved is not None:
            uow.publish(
                KeyDatesChanged(
                    account_id=account_id, version=stored["version"], key_dates=moved, at=now
                )
            )
    return erasure


async def erase_contacts(
    *, uow: AccountsUnitOfWork, command: EraseContacts, now: datetime, services: Sequence[str]
) -> str:
    """Erase on request: one contact, or every contact of the account. Returns the erasure id."""
    async with uow:
        await uow.locks.lock_accounts([command.account_id])
        await require_account(uow, command.account_id)
        erasure = await _erase(
            uow,
            account_id=command.account_id,
            contact_id=command.contact_id,
            reason="request",
            why=command.why,
            by=command.actor.user,
            now=now,
            services=services,
        )
        await uow.commit()
    return erasure.erasure_id


async def erase_dormant_accounts(
    uow: AccountsUnitOfWork, *, now: datetime, rules: PrivacyRules
) -> list[str]:
    """One batch of the dormant accounts sweep, inside the caller's transaction: every contact
    of each account dormant (no order, or none since registering) for longer than the rules
    say is erased. Returns the accounts erased."""
    found = await uow.privacy.dormant_accounts(
        inactive_since=now - rules.dormant_after, limit=rules.sweep_batch
    )
    await uow.locks.lock_accounts(found)
    for account_id in found:
        await _erase(
            uow,
            account_id=account_id,
            contact_id=None,
            reason="dormant",
            why=f"dormant for more than {rules.dormant_after.days} days",
            by=DORMANT_ERASER,
            now=now,
            services=rules.services,
        )
    return found


async def sweep_dormant_accounts(
    uow: AccountsUnitOfWork, *, now: datetime, rules: PrivacyRules
) -> list[str]:
    """The `erase_dormant` timer: a batch, then the next sweep (at once while batches are full:
    a backlog is worked a transaction at a time)."""
    found = await erase_dormant_accounts(uow, now=now, rules=rules)
    again = now if len(found) >= rules.sweep_batch else now + rules.sweep_every
    await uow.timers.ensure_timer(timers.ERASE_DORMANT_KEY, timers.ERASE_DORMANT, again)
    return found


async def schedule_dormant_sweep(*, uow: AccountsUnitOfWork, now: datetime) -> None:
    """At start-up: the dormant accounts sweep is due now unless one is pending already."""
    async with uow:
        await uow.timers.ensure_timer(timers.ERASE_DORMANT_KEY, timers.ERASE_DORMANT, now)
        await uow.commit()


async def record_erasures_completed(
    *, uow: AccountsUnitOfWork, consumer: str, events: Sequence[ReceivedEvent]
) -> None:
    """Mark each service that reported an erasure done in the erasure report (once)."""
    relevant = [e for e in events if isinstance(e.data, ErasureCompleted)]
    if not relevant:
        return
    async with uow:
        for event in await uow.inbox.new_events(consumer=consumer, events=relevant):
            data = event.data
            assert isinstance(data, ErasureCompleted)
            await uow.privacy.mark_done(data.erasure_id, data.service, data.completed_at)
        await uow.commit()


async def erasure_report(
    *, uow: AccountsUnitOfWork, account_id: str | None, page: int, page_size: int
) -> tuple[list[dict[str, Any]], int]:
    """Erasures newest first, each with every service's state."""
    async with uow:
        return await uow.privacy.erasures(
            account_id=account_id, offset=(page - 1) * page_size, limit=page_size
        )

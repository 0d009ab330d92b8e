"""Relationship cards: read (logged), save a new version, review."""

import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from accounts.domain.cards import (
    Card,
    Note,
    card_changes,
    card_from_document,
    card_problems,
    card_to_document,
    changed_sections,
    key_dates,
    key_dates_change,
)
from accounts.domain.events import CardReviewed, CardUpdated, KeyDatesChanged
from accounts.service_layer.commands import ReviewCard, SaveCard, SubmittedCard
from accounts.service_layer.evaluation import EvaluationRules, active_policy, evaluate_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import Conflict, NotFound, invalid
from chassis.messages import _


def _new_id() -> str:
    return uuid.uuid4().hex[:10]


def _complete(submitted: SubmittedCard, previous: Card, actor: str, now: datetime) -> Card:
    """Give new items ids; keep each existing note's author and time."""
    earlier_notes = {note.note_id: note for note in previous.notes}
    notes = []
    for note in submitted.notes:
        earlier = earlier_notes.get(note.note_id)
        notes.append(
            Note(
                note_id=note.note_id or _new_id(),
                text=note.text.strip(),
                purpose=note.purpose.strip(),
                written_by=earlier.written_by if earlier else actor,
                written_at=earlier.written_at if earlier else now,
            )
        )
    return Card(
        contacts=tuple(
            replace(c, contact_id=c.contact_id or _new_id(), name=c.name.strip())
            for c in submitted.contacts
        ),
        preferences=submitted.preferences,
        important_dates=tuple(
            replace(d, date_id=d.date_id or _new_id(), label=d.label.strip())
            for d in submitted.important_dates
        ),
        notes=tuple(notes),
    )


async def require_account(uow: AccountsUnitOfWork, account_id: str) -> dict[str, Any]:
    account = await uow.accounts.account_row(account_id)
    if account is None:
        raise NotFound(
            _("no account with id %(id)r") % {"id": account_id}, code="account_not_found"
        )
    return account


async def read_card(
    *,
    uow: AccountsUnitOfWork,
    account_id: str,
    as_of: datetime | None,
    actor: str,
    purpose: str,
    now: datetime,
) -> dict[str, Any]:
    """The card now or as of a past moment; the read is logged (personal data)."""
    what = "card" if as_of is None else f"card as of {as_of.isoformat()}"
    return await _read(uow, account_id, as_of, actor=actor, purpose=purpose, now=now, what=what)


async def read_card_names(
    *, uow: AccountsUnitOfWork, account_id: str, actor: str, purpose: str, now: datetime
) -> dict[str, Any]:
    """The current card, for its contacts' names and its dates' labels only (other services'
    pages show them by reference); the read is logged as that."""
    what = "contact names and date labels"
    return await _read(uow, account_id, None, actor=actor, purpose=purpose, now=now, what=what)


async def read_card_history(
    *, uow: AccountsUnitOfWork, account_id: str, actor: str, purpose: str, now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """Every version of the card (each holds the whole card) and every review; logged."""
    async with uow:
        await require_account(uow, account_id)
        found = {
            "versions": await uow.cards.versions(account_id),
            "reviews": await uow.cards.reviews(account_id),
        }
        await uow.cards.log_access(
            account_id=account_id,
            actor=actor,
            action="read",
            what="card history",
            purpose=purpose,
            at=now,
        )
        await uow.commit()
    return found


async def _read(
    uow: AccountsUnitOfWork,
    account_id: str,
    as_of: datetime | None,
    *,
    actor: str,
    purpose: str,
    now: datetime,
    what: str,
) -> dict[str, Any]:
    async with uow:
        await require_account(uow, account_id)
        if as_of is None:
            stored = await uow.cards.current(account_id)
        else:
            stored = await uow.cards.as_of(account_id, as_of)
        await uow.cards.log_access(
            account_id=account_id, actor=actor, action="read", what=what, purpose=purpose, at=now
        )
        await uow.commit()
    if stored is None:
        return {"version": 0, "card": Card(), "updated_by": None, "updated_at": None}
    return {
        "version": stored["version"],
        "card": card_from_document(stored["content"]),
        "updated_by": stored.get("updated_by") or stored.get("changed_by"),
        "updated_at": stored.get("updated_at") or stored.get("changed_at"),
    }


async def save_card(
    *,
    uow: AccountsUnitOfWork,
    command: SaveCard,
    now: datetime,
    rules: EvaluationRules,
) -> int:
    """Validate and store a new version of the whole card; returns its version number.

    Saving also counts as a review (the manager has just gone through the card).
    """
    account_id, actor = command.account_id, command.actor
    async with uow:
        policy = await active_policy(uow, rules, now)
        await uow.locks.lock_accounts([account_id])
        await require_account(uow, account_id)
        stored = await uow.cards.current(account_id, for_update=True)
        version = stored["version"] if stored else 0
        edited = command.expected_version
        if edited is not None and edited != version:
            raise Conflict(
                _(
                    "the card changed meanwhile (version %(version)s, you edited %(edited)s): "
                    "reload it and apply your change again"
                )
                % {"version": version, "edited": edited},
                code="card_changed",
            )
        previous = card_from_document(stored["content"]) if stored else Card()
        card = _complete(command.card, previous, actor.user, now)
        problems = card_problems(card, now.date())
        if problems:
            raise invalid(problems, "card")
        changes = card_changes(previous, card)
        if not changes:
            return version
        version += 1
        await uow.cards.save(
            account_id=account_id,
            version=version,
            content=card_to_document(card),
            changes=[change.__dict__ for change in changes],
            by=actor.user,
            at=now,
        )
        await uow.cards.log_access(
            account_id=account_id,
            actor=actor.user,
            action="change",
            what=", ".join(changed_sections(changes)),
            purpose="card maintenance",
            at=now,
        )
        await uow.accounts.update_account(account_id, card_reviewed_at=now)
        uow.publish(
            CardUpdated(
                account_id=account_id,
                version=version,
                changed_sections=changed_sections(changes),
                contact_count=len(card.contacts),
                by=actor.user,
                at=now,
            )
        )
        # Engagement plans care touches from these dates: tell it only when they moved.
        new_key_dates = key_dates_change(previous, card)
        if new_key_dates is not None:
            uow.publish(
                KeyDatesChanged(
                    account_id=account_id, version=version, key_dates=new_key_dates, at=now
                )
            )
        await evaluate_accounts(
            uow=uow, account_ids=[account_id], as_of=now, rules=rules, policy=policy
        )
        await uow.commit()
    return version


async def republish_key_dates(*, uow: AccountsUnitOfWork, now: datetime, limit: int) -> int:
    """One batch of the one-off republish of key dates: each queued card (saved before
    AccountKeyDatesChanged existed, see migration 0007) publishes its current yearly dates once,
    if it has any. Returns how many cards it took off the queue; 0 when the queue is empty."""
    async with uow:
        claimed = await uow.cards.claim_key_dates_republish(limit)
        # A card saved meanwhile publishes its own dates; the lock keeps the two in order.
        await uow.locks.lock_accounts(claimed)
        for account_id, stored in sorted((await uow.cards.current_of(claimed)).items()):
            dates = key_dates(card_from_document(stored["content"]))
            if dates:
                uow.publish(
                    KeyDatesChanged(
                        account_id=account_id, version=stored["version"], key_dates=dates, at=now
                    )
                )
        await uow.commit()
    return len(claimed)


async def review_card(
    *,
    uow: AccountsUnitOfWork,
    command: ReviewCard,
    now: datetime,
    rules: EvaluationRules,
) -> None:
    """The manager confirms the card is current: the stale flag clears, the clock restarts."""
    account_id, actor = command.account_id, command.actor
    async with uow:
        policy = await active_policy(uow, rules, now)
        await uow.locks.lock_accounts([account_id])
        await require_account(uow, account_id)
        await uow.cards.add_review(
            account_id=account_id, by=actor.user, at=now, note=command.note.strip()
        )
        await uow.accounts.update_account(account_id, card_reviewed_at=now)
        uow.publish(CardReviewed(account_id=account_id, by=actor.user, at=now))
        await evaluate_accounts(
            uow=uow, account_ids=[account_id], as_of=now, rules=rules, policy=policy
        )
        await uow.commit()

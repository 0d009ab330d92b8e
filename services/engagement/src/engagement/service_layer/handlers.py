"""Event handlers: what engagement does with the accounts, ERP and complaints events, and with
its upkeep timers. One unit of work per batch; the inbox makes a redelivered event a no-op and
each automatic item's trigger makes it exactly-once whatever is redelivered."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chassis.kafka import ReceivedEvent
from chassis.privacy import erasure_completed
from chassis.scheduler import DueTimer
from contracts import accounts_v1, complaints_v1, erp_v1
from contracts.engagement_v1 import SOURCE
from engagement.adapters.published import reassigned_contract
from engagement.domain.accounts import Account, ConsentChange, KeyDate
from engagement.domain.follow_ups import (
    complaint_follow_up,
    first_order_calls,
    retention_visit,
    win_back_call,
)
from engagement.domain.plan import PlanItem
from engagement.service_layer.planning import (
    PlanSettings,
    add_triggered,
    local_day,
    triggered_item,
    upkeep_plans,
)
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


def _account_changes(data: Any) -> dict[str, Any]:
    """The read-model columns an accounts event sets."""
    match data:
        case accounts_v1.AccountRegistered():
            return {"name": data.name, "manager": data.account_manager, "registered": True}
        case accounts_v1.AccountUpdated():
            return {"name": data.name, "manager": data.account_manager, "registered": True}
        case accounts_v1.AccountClassified():
            return {
                "grade": data.grade,
                "value_class": data.value_class,
                "abc_class": data.abc_class,
            }
        case accounts_v1.AccountVipGranted():
            return {"vip": True}
        case accounts_v1.AccountVipRevoked():
            return {"vip": False}
        case accounts_v1.AccountLifecycleChanged():
            return {"lifecycle": data.stage}
    return {}


async def apply_account_events(
    *,
    uow: EngagementUnitOfWork,
    consumer: str,
    events: Sequence[ReceivedEvent],
    now: datetime,
    settings: PlanSettings,
) -> None:
    """Keep the accounts' read model and its contacts' consents; re-plan accounts whose tier,
    VIP status, card dates or consents changed, reassign their items when the manager changes,
    plan the retention visit or win-back call of an account going at risk or dormant, and carry
    out erasures."""
    async with uow:
        fresh = await uow.inbox.new_events(consumer=consumer, events=events)
        account_ids = {event.data.subject() for event in fresh}
        before = await uow.accounts.lock(account_ids)
        merged: dict[str, dict[str, Any]] = {}
        key_dates: dict[str, list[KeyDate]] = {}
        lifecycle_moves: list[tuple[str, str, datetime]] = []
        erasures: list[accounts_v1.AccountContactsErased] = []
        consents: list[ConsentChange] = []
        # One account's events come from one partition, in order: fold them in that order.
        for event in fresh:
            data = event.data
            account_id = data.subject()
            if isinstance(data, accounts_v1.AccountContactsErased):
                erasures.append(data)
            changes = _account_changes(data)
            if changes:
                merged.setdefault(account_id, {"account_id": account_id}).update(changes)
            if isinstance(data, accounts_v1.AccountKeyDatesChanged):
                key_dates[account_id] = [
                    KeyDate(d.reference, d.kind, d.month, d.day) for d in data.key_dates
                ]
            if isinstance(data, accounts_v1.AccountLifecycleChanged):
                lifecycle_moves.append((account_id, data.stage, data.changed_at))
            if isinstance(data, accounts_v1.AccountContactConsentChanged):
                consents.append(
                    ConsentChange(account_id, data.contact_reference, data.state, data.changed_at)
                )
        await uow.accounts.upsert(list(merged.values()))
        await uow.accounts.record_consents(_last_per_contact(consents))
        for account_id, dates in key_dates.items():
            await uow.accounts.replace_key_dates(account_id, dates)
        # After the batch's card dates, so an erased contact's birthday is gone whatever came
        # first; the upkeep below then cancels its open care touches.
        for erasure in erasures:
            await _erase(uow, erasure, now)
        current = await uow.accounts.lock(account_ids)
        managed = {row["account_id"] for row in merged.values() if "manager" in row}
        await _reassign(uow, before, {i: a for i, a in current.items() if i in managed}, now)
        await add_triggered(
            uow, _lifecycle_items(current, lifecycle_moves, now, settings), local_day(now, settings)
        )
        await upkeep_plans(uow=uow, account_ids=account_ids, now=now, settings=settings)
        await uow.commit()


async def _erase(
    uow: EngagementUnitOfWork, erasure: accounts_v1.AccountContactsErased, now: datetime
) -> None:
    """Anonymise what engagement keeps about the erased contacts (scope account: about the
    account) and report it done (decision 0020). Names are never here: pages show them by
    reference from accounts, which has erased them."""
    account_id = erasure.account_id
    contacts = erasure.contact_references
    whole = erasure.scope == "account"
    visit_ids, next_steps = await uow.visits.erase_notes(account_id, None if whole else contacts)
    await uow.items.erase_notes(
        account_id, visit_ids=None if whole else visit_ids, next_steps=next_steps
    )
    await uow.accounts.drop_key_dates(account_id, contacts)
    uow.published.add(erasure_completed(erasure, service=SOURCE, at=now))


def _last_per_contact(changes: list[ConsentChange]) -> list[ConsentChange]:
    """The latest change per contact (one upsert statement may not touch a row twice)."""
    latest: dict[tuple[str, str], ConsentChange] = {}
    for change in changes:
        key = (change.account_id, change.contact_reference)
        if key not in latest or latest[key].changed_at <= change.changed_at:
            latest[key] = change
    return list(latest.values())


async def _reassign(
    uow: EngagementUnitOfWork,
    before: dict[str, Account],
    after: dict[str, Account],
    now: datetime,
) -> None:
    """Give each account's open items to its manager. Items planned before the account's
    manager was known (an order seen before its account) move too."""
    moved_of = await uow.items.reassign(
        {account_id: account.manager for account_id, account in after.items()}
    )
    for account_id, account in after.items():
        moved = moved_of.get(account_id)
        if moved:
            previous = before.get(account_id)
            uow.published.add(
                reassigned_contract(
                    account_id=account_id,
                    previous=previous.manager if previous else None,
                    owner=account.manager,
                    item_ids=moved,
                    at=now,
                )
            )


def _lifecycle_items(
    accounts: dict[str, Account],
    moves: list[tuple[str, str, datetime]],
    now: datetime,
    settings: PlanSettings,
) -> list[PlanItem]:
    """A retention visit for each move to at risk, a win-back call for each move to dormant;
    the move's moment makes the trigger, so a redelivered move plans nothing twice."""
    items = []
    for account_id, stage, changed_at in moves:
        account = accounts.get(account_id)
        if account is None:
            continue
        on = local_day(changed_at, settings)
        trigger = f"{stage}:{changed_at.isoformat()}"
        if stage == "at_risk":
            due_on, window_end = retention_visit(
                at_risk_on=on, within_days=settings.retention_within_days
            )
            items.append(
                triggered_item(
                    account,
                    kind="visit",
                    origin="retention",
                    trigger=trigger,
                    due_on=due_on,
                    window_end=window_end,
                    at=now,
                )
            )
        elif stage == "dormant":
            due_on, window_end = win_back_call(
                dormant_on=on, within_days=settings.win_back_within_days
            )
            items.append(
                triggered_item(
                    account,
                    kind="call",
                    origin="win_back",
                    trigger=trigger,
                    due_on=due_on,
                    window_end=window_end,
                    at=now,
                )
            )
    return items


async def apply_order_events(
    *,
    uow: EngagementUnitOfWork,
    consumer: str,
    events: Sequence[ReceivedEvent],
    now: datetime,
    settings: PlanSettings,
) -> None:
    """Record orders, cancellations and returns (sales actuals) and plan the 3+3+3 calls of
    an account's first order."""
    async with uow:
        fresh = await uow.inbox.new_events(consumer=consumer, events=events)
        placed, cancelled, returned = [], [], []
        first_seen: dict[str, Any] = {}
        for event in fresh:
            data = event.data
            if isinstance(data, erp_v1.OrderPlaced):
                placed_on = local_day(data.placed_at, settings)
                placed.append(
                    {
                        "order_id": data.order_id,
                        "account_id": data.customer_id,
                        "placed_on": placed_on,
                        "total": data.total,
                        "currency": data.currency,
                    }
                )
                known = first_seen.get(data.customer_id)
                first_seen[data.customer_id] = min(known, placed_on) if known else placed_on
            elif isinstance(data, erp_v1.OrderCancelled):
                cancelled.append(
                    {
                        "order_id": data.order_id,
                        "account_id": data.customer_id,
                        "cancelled_on": local_day(data.cancelled_at, settings),
                    }
                )
            elif isinstance(data, erp_v1.OrderReturned):
                returned.append(
                    {
                        "event_id": event.id,
                        "order_id": data.order_id,
                        "account_id": data.customer_id,
                        "returned_on": local_day(data.returned_at, settings),
                        "amount": data.amount,
                        "currency": data.currency,
                    }
                )
        await uow.orders.record_placed(_last_per_key(placed, "order_id"))
        await uow.orders.record_cancelled(_last_per_key(cancelled, "order_id"))
        await uow.orders.record_returned(returned)
        first_orders = await uow.accounts.record_first_orders(first_seen)
        accounts = await uow.accounts.lock(first_orders)
        calls = [
            triggered_item(
                account,
                kind="follow_up",
                origin=origin,
                trigger="first_order",
                due_on=due_on,
                window_end=window_end,
                at=now,
            )
            for account_id, account in accounts.items()
            for origin, due_on, window_end in first_order_calls(
                first_orders[account_id], steps=settings.first_order_steps
            )
        ]
        await add_triggered(uow, calls, local_day(now, settings))
        await uow.commit()


def _last_per_key(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """One row per key (a batch may hold the same order twice under two event ids)."""
    return list({row[key]: row for row in rows}.values())


async def apply_ticket_events(
    *,
    uow: EngagementUnitOfWork,
    consumer: str,
    events: Sequence[ReceivedEvent],
    now: datetime,
    settings: PlanSettings,
) -> None:
    """A follow-up call after a complaint is resolved (or closed without a resolution seen):
    one per ticket, to confirm the customer is satisfied."""
    async with uow:
        fresh = await uow.inbox.new_events(consumer=consumer, events=events)
        done: dict[str, tuple[str, datetime]] = {}
        for event in fresh:
            data = event.data
            if isinstance(data, complaints_v1.TicketResolved):
                done.setdefault(data.ticket_id, (data.account_id, data.resolved_at))
            elif isinstance(data, complaints_v1.TicketClosed):
                done.setdefault(data.ticket_id, (data.account_id, data.closed_at))
        await uow.accounts.ensure(account_id for account_id, _ in done.values())
        accounts = await uow.accounts.lock(account_id for account_id, _ in done.values())
        calendar = await uow.policies.calendar()
        calls = []
        for ticket_id, (account_id, at) in done.items():
            due_on, window_end = complaint_follow_up(
                resolved_on=local_day(at, settings),
                calendar=calendar,
                within_working_days=settings.complaint_follow_up_working_days,
            )
            calls.append(
                triggered_item(
                    accounts[account_id],
                    kind="follow_up",
                    origin="complaint_follow_up",
                    trigger=f"ticket:{ticket_id}",
                    due_on=due_on,
                    window_end=window_end,
                    at=now,
                )
            )
        await add_triggered(uow, calls, local_day(now, settings))
        await uow.commit()


async def fire_upkeep(
    *, uow: EngagementUnitOfWork, timers: Sequence[DueTimer], now: datetime, settings: PlanSettings
) -> None:
    """The scheduler's handler (inside its unit of work): mark what was missed and roll the
    plans of the accounts whose upkeep is due."""
    await upkeep_plans(
        uow=uow, account_ids=[timer.key for timer in timers], now=now, settings=settings
    )


async def catch_up_with_policy(
    *, uow: EngagementUnitOfWork, now: datetime, settings: PlanSettings, batch_size: int
) -> int:
    """Re-plan one batch of accounts whose plan is behind the active policy; returns how many
    (0 when every plan is current). Several workers share the accounts (`SKIP LOCKED`)."""
    async with uow:
        policy = await uow.policies.active()
        behind = await uow.accounts.claim_behind_policy(policy.version, batch_size)
        await upkeep_plans(uow=uow, account_ids=behind, now=now, settings=settings)
        await uow.commit()
        return len(behind)

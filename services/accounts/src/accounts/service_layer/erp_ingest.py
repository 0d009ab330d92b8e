"""Apply a batch of ERP events: master data, orders, cancellations, returns; then reclassify.

Every step is a commutative merge keyed by business ids, so the ERP's duplicates and its
disorder across topics (order before customer, cancellation before order) change nothing.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.adapters.tables import inbox
from accounts.domain.classification import (
    Classification,
    ClassificationPolicy,
    TrailingFigures,
    classify,
    explain,
    window_start,
)
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.clock import Clock
from chassis.inbox import new_events
from chassis.kafka import ReceivedEvent
from contracts.accounts_v1 import AccountClassified, AccountRegistered, ClassificationInputs
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced, OrderReturned


def _latest_per_key(items: Sequence[Any], key: str, newest: str) -> list[Any]:
    """One item per business key (the newest), so a bulk upsert never touches a row twice."""
    chosen: dict[str, Any] = {}
    for item in items:
        current = chosen.get(getattr(item, key))
        if current is None or getattr(item, newest) >= getattr(current, newest):
            chosen[getattr(item, key)] = item
    return list(chosen.values())


async def ingest_erp_events(
    *,
    uow: AccountsUnitOfWork,
    consumer: str,
    events: Sequence[ReceivedEvent],
    policy: ClassificationPolicy,
    currency: str,
    clock: Clock,
) -> None:
    async with uow:
        fresh = [
            event.data
            for event in await new_events(uow.session, inbox, consumer=consumer, events=events)
        ]
        if not fresh:
            return
        customers = [d for d in fresh if isinstance(d, CustomerUpserted)]
        placed = [d for d in fresh if isinstance(d, OrderPlaced)]
        cancelled = [d for d in fresh if isinstance(d, OrderCancelled)]
        returned = [d for d in fresh if isinstance(d, OrderReturned)]
        affected = {d.subject() for d in fresh}

        await uow.accounts.lock_accounts(affected)
        registered = await uow.accounts.upsert_customers(
            _latest_per_key(customers, "customer_id", "updated_at")
        )
        await uow.accounts.record_placed_orders(_latest_per_key(placed, "order_id", "placed_at"))
        await uow.accounts.record_cancellations(
            _latest_per_key(cancelled, "order_id", "cancelled_at")
        )
        # A return is identified by its order and time: a re-sent return counts once.
        await uow.accounts.record_returns(
            list({(r.order_id, r.returned_at): r for r in returned}.values())
        )
        now = clock.now()
        for customer in customers:
            if customer.customer_id in registered:
                uow.outbox.add(
                    AccountRegistered(
                        account_id=customer.customer_id,
                        name=customer.name,
                        region=customer.region,
                        country=customer.country,
                        segment=customer.segment,
                        account_manager=customer.account_manager,
                        registered_at=now,
                    )
                )
        await reclassify(uow=uow, account_ids=affected, policy=policy, currency=currency, as_of=now)
        await uow.commit()


async def reclassify(
    *,
    uow: AccountsUnitOfWork,
    account_ids: set[str],
    policy: ClassificationPolicy,
    currency: str,
    as_of: datetime,
) -> int:
    """Recompute trailing figures of known accounts; publish a tier event where a class changed."""
    start = window_start(as_of)
    stored = await uow.accounts.stored_classifications(account_ids)
    figures_by_account = await uow.accounts.trailing_figures(
        [s.account_id for s in stored], window_start=start
    )
    updates: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    for account in stored:
        count, revenue = figures_by_account.get(account.account_id, (0, Decimal("0")))
        figures = TrailingFigures(count, revenue, start, as_of)
        current = classify(figures, policy)
        previous = (
            Classification(account.value_class, account.frequency_class)
            if account.classified_at is not None
            else None
        )
        unchanged_figures = account.order_count_12m == count and account.net_revenue_12m == revenue
        if current == previous and unchanged_figures:
            continue
        classified_at = account.classified_at
        if current != previous:
            classified_at = as_of
            reason = explain(previous, current, figures, policy, currency)
            inputs = ClassificationInputs(
                order_count_12m=count,
                net_revenue_12m=revenue,
                currency=currency,
                window_start=start,
                window_end=as_of,
                value_high_threshold=policy.value_high,
                value_medium_threshold=policy.value_medium,
                frequency_high_threshold=policy.frequency_high,
                frequency_medium_threshold=policy.frequency_medium,
            )
            uow.outbox.add(
                AccountClassified(
                    account_id=account.account_id,
                    value_class=current.value_class,
                    frequency_class=current.frequency_class,
                    previous_value_class=previous.value_class if previous else None,
                    previous_frequency_class=previous.frequency_class if previous else None,
                    reason=reason,
                    inputs=inputs,
                    classified_at=as_of,
                )
            )
            decisions.append(
                {
                    "account_id": account.account_id,
                    "decided_at": as_of,
                    "value_class": current.value_class,
                    "frequency_class": current.frequency_class,
                    "reason": reason,
                    "inputs": inputs.model_dump(mode="json"),
                }
            )
        updates.append(
            {
                "account_id": account.account_id,
                "order_count_12m": count,
                "net_revenue_12m": revenue,
                "value_class": current.value_class,
                "frequency_class": current.frequency_class,
                "classified_at": classified_at,
            }
        )
    await uow.accounts.save_figures(updates)
    await uow.accounts.add_tier_decisions(decisions)
    return len(decisions)

"""Apply a batch of ERP events: master data, orders, cancellations, returns; then evaluate.

Every step is a commutative merge keyed by business ids, so the ERP's duplicates and its
disorder across topics (order before customer, cancellation before order) change nothing.
"""

from collections.abc import Sequence
from typing import Any

from accounts.domain.events import AccountRegistered, AccountUpdated, MasterData
from accounts.service_layer.evaluation import EvaluationRules, active_policy, evaluate_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.clock import Clock
from chassis.kafka import ReceivedEvent
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
    rules: EvaluationRules,
    clock: Clock,
) -> None:
    async with uow:
        fresh = [
            event.data for event in await uow.inbox.new_events(consumer=consumer, events=events)
        ]
        if not fresh:
            return
        now = clock.now()
        policy = await active_policy(uow, rules, now)
        customers = _latest_per_key(
            [d for d in fresh if isinstance(d, CustomerUpserted)], "customer_id", "updated_at"
        )
        placed = [d for d in fresh if isinstance(d, OrderPlaced)]
        cancelled = [d for d in fresh if isinstance(d, OrderCancelled)]
        returned = [d for d in fresh if isinstance(d, OrderReturned)]
        affected = {d.subject() for d in fresh}

        await uow.locks.lock_accounts(affected)
        registered, updated = await uow.erp.upsert_customers(customers)
        await uow.erp.record_placed_orders(_latest_per_key(placed, "order_id", "placed_at"))
        await uow.erp.record_cancellations(_latest_per_key(cancelled, "order_id", "cancelled_at"))
        # A return is identified by its order and time: a re-sent return counts once.
        await uow.erp.record_returns(
            list({(r.order_id, r.returned_at): r for r in returned}.values())
        )
        for customer in customers:
            master = MasterData(
                name=customer.name,
                region=customer.region,
                country=customer.country,
                segment=customer.segment,
                account_manager=customer.account_manager,
            )
            if customer.customer_id in registered:
                uow.publish(
                    AccountRegistered(account_id=customer.customer_id, master=master, at=now)
                )
            elif change := updated.get(customer.customer_id):
                uow.publish(
                    AccountUpdated(
                        account_id=customer.customer_id,
                        changed_fields=change.changed_fields,
                        master=master,
                        referred_by=change.referred_by,
                        priority_lead=change.priority_lead,
                        at=now,
                    )
                )
        await evaluate_accounts(
            uow=uow, account_ids=affected, as_of=now, rules=rules, policy=policy
        )
        await uow.commit()

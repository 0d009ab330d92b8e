"""Bulk reads and writes of accounts, orders and evaluations. One statement per kind of change
per batch: the ERP path and every evaluation stay batch (no per-account round trips)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import (
    accounts,
    complaints,
    feedback,
    lifecycle_changes,
    order_returns,
    orders,
    signal_feeds,
    tier_decisions,
    timers,
)
from accounts.domain.classification import TrailingFigures
from accounts.domain.evaluation import AccountFacts, CurrentState, Tier
from accounts.domain.lifecycle import OrderHistory
from accounts.domain.scorecard import ScorecardFacts
from chassis.scheduler import Timer, schedule_timers
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced, OrderReturned

# Transaction-scoped advisory lock keys. Every evaluation holds the policy lock shared; policy
# activation holds it exclusively, so no evaluation with the old policy commits after it.
POLICY_LOCK = 7_310_001
MASTER_FIELDS = ("name", "region", "country", "segment", "address", "account_manager")
EVALUATE_TIMER = "evaluate"


def evaluation_timer_key(account_id: str) -> str:
    return f"account:{account_id}"


@dataclass(frozen=True)
class MasterDataChange:
    """An existing account whose ERP master data changed, and its referral (unchanged)."""

    changed_fields: list[str]
    referred_by: str | None
    priority_lead: bool


@dataclass(frozen=True)
class StoredAccount:
    """The stored evaluation of an account: what a new evaluation is compared with."""

    account_id: str
    registered_at: datetime
    vip: bool
    card_reviewed_at: datetime | None
    order_count_12m: int
    net_revenue_12m: Decimal
    first_order_at: datetime | None
    last_order_at: datetime | None
    state: CurrentState
    score: Decimal | None
    recommendation: str | None
    policy_version: int | None
    classified_at: datetime | None
    lifecycle_changed_at: datetime | None
    lifecycle_reason: str | None
    next_evaluation_at: datetime | None


class AccountsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- locks --------------------------------------------------------------------------------

    async def lock_policy_shared(self) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": POLICY_LOCK}
        )

    async def lock_policy_exclusive(self) -> None:
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": POLICY_LOCK}
        )

    async def lock_accounts(self, account_ids: Iterable[str]) -> None:
        """Serialise work on the same accounts across worker copies (transaction-scoped)."""
        ids = sorted(set(account_ids))
        if ids:
            await self._session.execute(
                text(
                    "SELECT pg_advisory_xact_lock(k) FROM "
                    "(SELECT DISTINCT hashtext(id) AS k FROM unnest(CAST(:ids AS text[])) AS id "
                    "ORDER BY k) AS keys"
                ),
                {"ids": ids},
            )

    # --- ERP master data and orders -----------------------------------------------------------

    async def upsert_customers(
        self, customers: Sequence[CustomerUpserted]
    ) -> tuple[set[str], dict[str, MasterDataChange]]:
        """Insert or update from master data (older updates never win).

        Returns the new account ids, and per updated account the master fields that changed.
        A prospect registered by a manager under the same id becomes an ERP account.
        """
        if not customers:
            return set(), {}
        ids = [c.customer_id for c in customers]
        before = {
            row.account_id: row
            for row in await self._session.execute(
                select(
                    accounts.c.account_id,
                    accounts.c.referred_by,
                    accounts.c.priority_lead,
                    *[accounts.c[f] for f in MASTER_FIELDS],
                ).where(accounts.c.account_id.in_(ids))
            )
        }
        statement = insert(accounts).values(
            [
                {
                    "account_id": c.customer_id,
                    "name": c.name,
                    "region": c.region,
                    "country": c.country,
                    "segment": c.segment,
                    "address": c.address,
                    "account_manager": c.account_manager,
                    "erp_updated_at": c.updated_at,
                }
                for c in customers
            ]
        )
        excluded = statement.excluded
        upsert = statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={
                **{column: excluded[column] for column in (*MASTER_FIELDS, "erp_updated_at")},
                "origin": "erp",
            },
            where=accounts.c.erp_updated_at <= excluded.erp_updated_at,
        ).returning(accounts.c.account_id, literal_column("xmax = 0").label("inserted"))
        result = await self._session.execute(upsert)
        written = {row.account_id: row.inserted for row in result}
        by_id = {c.customer_id: c for c in customers}
        changed: dict[str, MasterDataChange] = {}
        for account_id, inserted in written.items():
            old = before.get(account_id)
            if inserted or old is None:
                continue
            fields = [f for f in MASTER_FIELDS if getattr(old, f) != getattr(by_id[account_id], f)]
            if fields:
                changed[account_id] = MasterDataChange(fields, old.referred_by, old.priority_lead)
        return {i for i, inserted in written.items() if inserted}, changed

    async def record_placed_orders(self, placed: Sequence[OrderPlaced]) -> None:
        if not placed:
            return
        statement = insert(orders).values(
            [
                {
                    "order_id": o.order_id,
                    "customer_id": o.customer_id,
                    "placed_at": o.placed_at,
                    "currency": o.currency,
                    "total": o.total,
                }
                for o in placed
            ]
        )
        excluded = statement.excluded
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[orders.c.order_id],
                set_={
                    "customer_id": excluded.customer_id,
                    "placed_at": excluded.placed_at,
                    "currency": excluded.currency,
                    "total": excluded.total,
                },
            )
        )

    async def record_cancellations(self, cancelled: Sequence[OrderCancelled]) -> None:
        if not cancelled:
            return
        statement = insert(orders).values(
            [
                {
                    "order_id": c.order_id,
                    "customer_id": c.customer_id,
                    "cancelled_at": c.cancelled_at,
                }
                for c in cancelled
            ]
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[orders.c.order_id],
                set_={
                    "cancelled_at": func.coalesce(
                        orders.c.cancelled_at, statement.excluded.cancelled_at
                    )
                },
            )
        )

    async def record_returns(self, returned: Sequence[OrderReturned]) -> None:
        if not returned:
            return
        await self._session.execute(
            insert(order_returns)
            .values(
                [
                    {
                        "order_id": r.order_id,
                        "returned_at": r.returned_at,
                        "customer_id": r.customer_id,
                        "amount": r.amount,
                    }
                    for r in returned
                ]
            )
            .on_conflict_do_nothing()
        )

    # --- evaluation facts ---------------------------------------------------------------------

    async def existing_ids(self, account_ids: Iterable[str]) -> set[str]:
        result = await self._session.execute(
            select(accounts.c.account_id).where(accounts.c.account_id.in_(list(set(account_ids))))
        )
        return set(result.scalars())

    async def all_ids(self) -> list[str]:
        result = await self._session.execute(
            select(accounts.c.account_id).order_by(accounts.c.account_id)
        )
        return list(result.scalars())

    async def all_revenues(self) -> dict[str, tuple[Decimal, str | None]]:
        """Every account's stored 12-month revenue and ABC class (for the Pareto ranking)."""
        result = await self._session.execute(
            select(accounts.c.account_id, accounts.c.net_revenue_12m, accounts.c.abc_class)
        )
        return {row[0]: (Decimal(row[1]), row[2]) for row in result}

    async def stored_accounts(self, account_ids: Iterable[str]) -> dict[str, StoredAccount]:
        c = accounts.c
        result = await self._session.execute(
            select(accounts).where(c.account_id.in_(list(set(account_ids))))
        )
        stored: dict[str, StoredAccount] = {}
        for row in result.mappings():
            tier = (
                Tier(row["value_class"], row["frequency_class"], row["abc_class"], row["grade"])
                if row["classified_at"] is not None
                else None
            )
            stored[row["account_id"]] = StoredAccount(
                account_id=row["account_id"],
                registered_at=row["registered_at"],
                vip=row["vip"],
                card_reviewed_at=row["card_reviewed_at"],
                order_count_12m=row["order_count_12m"],
                net_revenue_12m=row["net_revenue_12m"],
                first_order_at=row["first_order_at"],
                last_order_at=row["last_order_at"],
                state=CurrentState(tier, row["lifecycle_stage"], row["card_stale"]),
                score=row["score"],
                recommendation=row["recommendation"],
                policy_version=row["policy_version"],
                classified_at=row["classified_at"],
                lifecycle_changed_at=row["lifecycle_changed_at"],
                lifecycle_reason=row["lifecycle_reason"],
                next_evaluation_at=row["next_evaluation_at"],
            )
        return stored

    async def trailing_figures(
        self, account_ids: Iterable[str], *, window_start: datetime, until: datetime | None = None
    ) -> dict[str, tuple[int, Decimal]]:
        """Per account: orders placed since window_start, not cancelled, net of returns.

        An order returned in full no longer counts as an order. `until` bounds the window for
        reports as of a past date; live evaluations count every order since window_start.
        """
        ids = list(set(account_ids))
        returned = (
            select(order_returns.c.order_id, func.sum(order_returns.c.amount).label("amount"))
            .where(order_returns.c.customer_id.in_(ids))
            .group_by(order_returns.c.order_id)
            .subquery()
        )
        net = func.greatest(orders.c.total - func.coalesce(returned.c.amount, 0), 0)
        conditions: list[ColumnElement[bool]] = [
            orders.c.customer_id.in_(ids),
            orders.c.placed_at >= window_start,
            orders.c.cancelled_at.is_(None),
        ]
        if until is not None:
            conditions.append(orders.c.placed_at < until)
        per_order = (
            select(orders.c.customer_id, net.label("net"))
            .select_from(orders.outerjoin(returned, returned.c.order_id == orders.c.order_id))
            .where(*conditions)
            .subquery()
        )
        result = await self._session.execute(
            select(
                per_order.c.customer_id,
                func.count().filter(per_order.c.net > 0),
                func.coalesce(func.sum(per_order.c.net), 0),
            ).group_by(per_order.c.customer_id)
        )
        return {row[0]: (int(row[1]), Decimal(row[2])) for row in result}

    async def _order_histories(
        self,
        ids: list[str],
        *,
        window_start: datetime,
        until: datetime | None,
        recent_orders: int,
    ) -> dict[str, tuple[OrderHistory, datetime | None]]:
        """Per account: first and last order, the most recent order times, and the oldest
        order still inside the window (cancelled orders never count)."""
        o = orders.c
        conditions: list[ColumnElement[bool]] = [
            o.customer_id.in_(ids),
            o.placed_at.is_not(None),
            o.cancelled_at.is_(None),
        ]
        if until is not None:
            conditions.append(o.placed_at < until)
        ranked = (
            select(
                o.customer_id,
                o.placed_at,
                func.row_number()
                .over(partition_by=o.customer_id, order_by=o.placed_at.desc())
                .label("rn"),
                func.min(o.placed_at).over(partition_by=o.customer_id).label("first_at"),
                func.min(o.placed_at)
                .filter(o.placed_at >= window_start)
                .over(partition_by=o.customer_id)
                .label("oldest_in_window"),
            )
            .where(*conditions)
            .subquery()
        )
        result = await self._session.execute(
            select(ranked)
            .where(ranked.c.rn <= recent_orders)
            .order_by(ranked.c.customer_id, ranked.c.placed_at)
        )
        grouped: dict[str, list[Any]] = {}
        for row in result:
            grouped.setdefault(row.customer_id, []).append(row)
        return {
            account_id: (
                OrderHistory(
                    rows[0].first_at, rows[-1].placed_at, tuple(row.placed_at for row in rows)
                ),
                rows[0].oldest_in_window,
            )
            for account_id, rows in grouped.items()
        }

    async def _signal_aggregates(
        self, ids: list[str], *, window_start: datetime, until: datetime | None
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
        f, c = feedback.c, complaints.c
        feedback_where: list[ColumnElement[bool]] = [
            f.account_id.in_(ids),
            f.responded_at >= window_start,
        ]
        complaint_where: list[ColumnElement[bool]] = [
            c.account_id.in_(ids),
            c.filed_at >= window_start,
        ]
        referral_where: list[ColumnElement[bool]] = [accounts.c.referred_by.in_(ids)]
        if until is not None:
            feedback_where.append(f.responded_at < until)
            complaint_where.append(c.filed_at < until)
            referral_where.append(accounts.c.registered_at < until)
        answers = await self._session.execute(
            select(
                f.account_id,
                func.avg(f.csat),
                func.avg(f.nps),
                func.count(),
                func.min(f.responded_at),
            )
            .where(*feedback_where)
            .group_by(f.account_id)
        )
        filed = await self._session.execute(
            select(c.account_id, func.count(), func.min(c.filed_at))
            .where(*complaint_where)
            .group_by(c.account_id)
        )
        referred = await self._session.execute(
            select(accounts.c.referred_by, func.count())
            .where(*referral_where)
            .group_by(accounts.c.referred_by)
        )
        return (
            {row[0]: row for row in answers},
            {row[0]: row for row in filed},
            {row[0]: int(row[1]) for row in referred},
        )

    async def feed_started_at(self, feed: str) -> datetime | None:
        started: datetime | None = await self._session.scalar(
            select(signal_feeds.c.first_event_at).where(signal_feeds.c.feed == feed)
        )
        return started

    async def evaluation_facts(
        self,
        stored: dict[str, StoredAccount],
        *,
        as_of: datetime,
        window_start: datetime,
        recent_orders: int,
        until: datetime | None = None,
    ) -> dict[str, AccountFacts]:
        """Everything the evaluation of these accounts reads, in a handful of bulk queries."""
        ids = list(stored)
        if not ids:
            return {}
        figures = await self.trailing_figures(ids, window_start=window_start, until=until)
        histories = await self._order_histories(
            ids, window_start=window_start, until=until, recent_orders=recent_orders
        )
        answers, filed, referred = await self._signal_aggregates(
            ids, window_start=window_start, until=until
        )
        complaints_since = await self.feed_started_at("complaints")
        complaints_known = complaints_since is not None and complaints_since <= as_of
        facts: dict[str, AccountFacts] = {}
        empty = (OrderHistory(None, None, ()), None)
        for account_id, account in stored.items():
            count, revenue = figures.get(account_id, (0, Decimal(0)))
            history, oldest_order = histories.get(account_id, empty)
            answer = answers.get(account_id)
            complaint = filed.get(account_id)
            facts[account_id] = AccountFacts(
                account_id=account_id,
                registered_at=account.registered_at,
                figures=TrailingFigures(count, revenue, window_start, as_of),
                history=history,
                signals=ScorecardFacts(
                    net_revenue_12m=revenue,
                    order_count_12m=count,
                    first_order_at=history.first_order_at,
                    last_order_at=history.last_order_at,
                    csat_average=None
                    if answer is None or answer[1] is None
                    else Decimal(answer[1]),
                    nps_average=None if answer is None or answer[2] is None else Decimal(answer[2]),
                    feedback_count_12m=int(answer[3]) if answer else 0,
                    complaints_12m=int(complaint[1]) if complaint else 0,
                    complaints_known=complaints_known,
                    referrals=referred.get(account_id, 0),
                ),
                vip=account.vip,
                card_reviewed_at=account.card_reviewed_at,
                oldest_in_window=(
                    oldest_order,
                    answer[4] if answer else None,
                    complaint[2] if complaint else None,
                ),
            )
        return facts

    # --- evaluation results -------------------------------------------------------------------

    async def save_evaluations(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store recomputed figures, tier, lifecycle and card flag, one row per account."""
        if not rows:
            return
        columns = [key for key in rows[0] if key != "account_id"]
        await self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == bindparam("b_account_id"))
            .values({column: bindparam(column) for column in columns})
            .execution_options(synchronize_session=False),
            [{**row, "b_account_id": row["account_id"]} for row in rows],
        )

    async def add_tier_decisions(self, decisions: Sequence[dict[str, Any]]) -> None:
        if decisions:
            await self._session.execute(tier_decisions.insert(), list(decisions))

    async def add_lifecycle_changes(self, changes: Sequence[dict[str, Any]]) -> None:
        if changes:
            await self._session.execute(lifecycle_changes.insert(), list(changes))

    async def reschedule_evaluations(self, due: dict[str, datetime | None]) -> None:
        """Replace the pending time-driven evaluation of these accounts.

        Timers being fired right now are locked by their scheduler and skipped (not waited
        for): they are already spent, and waiting could deadlock with the scheduler.
        """
        if not due:
            return
        keys = [evaluation_timer_key(account_id) for account_id in due]
        pending = (
            select(timers.c.id)
            .where(timers.c.key.in_(keys), timers.c.fired_at.is_(None))
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        await self._session.execute(timers.delete().where(timers.c.id.in_(pending)))
        await schedule_timers(
            self._session,
            timers,
            [
                Timer(
                    evaluation_timer_key(account_id), EVALUATE_TIMER, at, {"account_id": account_id}
                )
                for account_id, at in due.items()
                if at is not None
            ],
        )

    async def ensure_timer(self, key: str, kind: str, at: datetime) -> None:
        """Schedule a global timer unless one of that key is already pending."""
        pending = await self._session.scalar(
            select(func.count()).where(timers.c.key == key, timers.c.fired_at.is_(None))
        )
        if not pending:
            await schedule_timers(self._session, timers, [Timer(key, kind, at)])

    # --- manager-entered accounts ---------------------------------------------------------------

    async def add_prospect(self, row: dict[str, Any]) -> bool:
        """Insert a prospect; False when the id is taken."""
        result = await self._session.execute(
            insert(accounts).values(row).on_conflict_do_nothing().returning(accounts.c.account_id)
        )
        return result.first() is not None

    async def account_row(
        self, account_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        query = select(accounts).where(accounts.c.account_id == account_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return dict(row) if row else None

    async def update_account(self, account_id: str, **values: Any) -> None:
        await self._session.execute(
            update(accounts).where(accounts.c.account_id == account_id).values(**values)
        )

    async def refers_back(self, account_id: str, referrer_id: str) -> bool:
        """Would `referrer_id` referring `account_id` close a loop of referrals?"""
        chain = text(
            "WITH RECURSIVE up(id, depth) AS ("
            " SELECT referred_by, 1 FROM accounts WHERE account_id = :start"
            " UNION ALL SELECT a.referred_by, up.depth + 1 FROM accounts a"
            " JOIN up ON a.account_id = up.id WHERE up.depth < 1000)"
            " SELECT 1 FROM up WHERE id = :target LIMIT 1"
        )
        found = await self._session.scalar(chain, {"start": referrer_id, "target": account_id})
        return found is not None

    async def top_by_revenue(self, limit: int) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(accounts)
            .where(accounts.c.net_revenue_12m > 0)
            .order_by(accounts.c.net_revenue_12m.desc(), accounts.c.account_id)
            .limit(limit)
        )
        return [dict(row) for row in result.mappings()]

"""Evaluations in bulk: the facts they read, the stored state they compare with, and the
changes they store (one statement per kind of change per batch, no per-account round trips)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.published import classification_inputs
from accounts.adapters.tables import (
    accounts,
    complaints,
    feedback,
    lifecycle_changes,
    order_returns,
    orders,
    signal_feeds,
    tier_decisions,
)
from accounts.domain import events
from accounts.domain.changes import EvaluationChange, StoredAccount, scorecard_document
from accounts.domain.classification import TrailingFigures
from accounts.domain.evaluation import AccountFacts, CurrentState, Tier
from accounts.domain.lifecycle import OrderHistory
from accounts.domain.scorecard import COMPLAINTS_FEED, ScorecardFacts
from chassis.db import is_any_of

# `until` bounds the orders for reports as of a past date (live evaluations pass no bound).
_COUNTING = (
    "o.customer_id = a.account_id AND o.placed_at IS NOT NULL AND o.placed_at < :until"
    " AND o.cancelled_at IS NULL"
)
ORDER_HISTORIES = text(
    f"""
    SELECT a.account_id,
        (SELECT min(o.placed_at) FROM {orders.fullname} o WHERE {_COUNTING}) AS first_at,
        (SELECT min(o.placed_at) FROM {orders.fullname} o
            WHERE {_COUNTING} AND o.placed_at >= :window_start) AS oldest_in_window,
        ARRAY(SELECT r.placed_at FROM (
            SELECT o.placed_at FROM {orders.fullname} o WHERE {_COUNTING}
            ORDER BY o.placed_at DESC LIMIT :recent) r ORDER BY r.placed_at) AS recent
    FROM unnest(CAST(:ids AS text[])) AS a(account_id)
    """
)


class EvaluationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all_revenues(self) -> dict[str, tuple[Decimal, str | None]]:
        """Every account's stored 12-month revenue and ABC class (for the Pareto ranking)."""
        result = await self._session.execute(
            select(accounts.c.account_id, accounts.c.net_revenue_12m, accounts.c.abc_class)
        )
        return {row[0]: (Decimal(row[1]), row[2]) for row in result}

    async def stored_accounts(self, account_ids: Iterable[str]) -> dict[str, StoredAccount]:
        c = accounts.c
        result = await self._session.execute(
            select(accounts).where(is_any_of(c.account_id, list(set(account_ids))))
        )
        return {row["account_id"]: stored_account(row) for row in result.mappings()}

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
            .where(is_any_of(order_returns.c.customer_id, ids))
            .group_by(order_returns.c.order_id)
            .subquery()
        )
        net = func.greatest(orders.c.total - func.coalesce(returned.c.amount, 0), 0)
        conditions: list[ColumnElement[bool]] = [
            is_any_of(orders.c.customer_id, ids),
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
        order still inside the window (cancelled orders never count).

        Each part is an index lookup on (customer_id, placed_at) per account, so the cost does
        not grow with an account's history; one row per account, the recent times as an array.
        """
        result = await self._session.execute(
            ORDER_HISTORIES,
            {
                "ids": ids,
                "window_start": window_start,
                "until": until or datetime.max.replace(tzinfo=UTC),
                "recent": recent_orders,
            },
        )
        return {
            row.account_id: (
                OrderHistory(row.first_at, row.recent[-1], tuple(row.recent)),
                row.oldest_in_window,
            )
            for row in result
            if row.recent
        }

    async def _signal_aggregates(
        self, ids: list[str], *, window_start: datetime, until: datetime | None
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
        f, c = feedback.c, complaints.c
        feedback_where: list[ColumnElement[bool]] = [
            is_any_of(f.account_id, ids),
            f.responded_at >= window_start,
        ]
        complaint_where: list[ColumnElement[bool]] = [
            is_any_of(c.account_id, ids),
            c.filed_at >= window_start,
        ]
        referral_where: list[ColumnElement[bool]] = [is_any_of(accounts.c.referred_by, ids)]
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
        complaints_since = await self.feed_started_at(COMPLAINTS_FEED)
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

    async def save(self, changes: Sequence[EvaluationChange]) -> None:
        """Store recomputed figures, tier, lifecycle and card flag, one row per account, and
        the history of tier decisions and lifecycle stages."""
        if not changes:
            return
        rows: list[dict[str, Any]] = []
        decisions: list[dict[str, Any]] = []
        stage_changes: list[dict[str, Any]] = []
        for change in changes:
            stored, evaluation, as_of = change.stored, change.evaluation, change.as_of
            lifecycle = evaluation.lifecycle
            scorecard = scorecard_document(evaluation, change.policy, as_of)
            rows.append(
                {
                    "b_account_id": change.account_id,
                    "order_count_12m": evaluation.figures.order_count,
                    "net_revenue_12m": evaluation.figures.net_revenue,
                    "value_class": evaluation.tier.value_class,
                    "frequency_class": evaluation.tier.frequency_class,
                    "abc_class": evaluation.tier.abc_class,
                    "grade": evaluation.tier.grade,
                    "score": change.score,
                    "recommendation": evaluation.recommendation,
                    "policy_version": change.policy.version,
                    "classified_at": as_of
                    if change.tier_reason is not None
                    else stored.classified_at,
                    "lifecycle_stage": lifecycle.stage,
                    "lifecycle_changed_at": as_of
                    if change.stage_changed
                    else stored.lifecycle_changed_at,
                    "lifecycle_reason": lifecycle.reason
                    if change.stage_changed
                    else stored.lifecycle_reason,
                    "first_order_at": evaluation.first_order_at,
                    "last_order_at": evaluation.last_order_at,
                    "card_stale": evaluation.card_stale,
                    "next_evaluation_at": evaluation.next_due,
                    "scorecard": scorecard,
                }
            )
            for event in change.events:
                if isinstance(event, events.TierChanged):
                    decisions.append(self._decision(change, event, scorecard))
                elif isinstance(event, events.LifecycleStageChanged):
                    stage_changes.append(
                        {
                            "account_id": event.account_id,
                            "changed_at": event.at,
                            "previous_stage": event.previous_stage,
                            "stage": event.stage,
                            "reactivated": event.reactivated,
                            "reason": event.reason,
                        }
                    )
        columns = [key for key in rows[0] if key != "b_account_id"]
        await self._session.execute(
            update(accounts)
            .where(accounts.c.account_id == bindparam("b_account_id"))
            .values({column: bindparam(column) for column in columns})
            .execution_options(synchronize_session=False),
            rows,
        )
        if decisions:
            await self._session.execute(tier_decisions.insert(), decisions)
        if stage_changes:
            await self._session.execute(lifecycle_changes.insert(), stage_changes)

    @staticmethod
    def _decision(
        change: EvaluationChange, event: events.TierChanged, scorecard: dict[str, Any]
    ) -> dict[str, Any]:
        tier = change.evaluation.tier
        return {
            "account_id": change.account_id,
            "decided_at": event.at,
            "value_class": tier.value_class,
            "frequency_class": tier.frequency_class,
            "abc_class": tier.abc_class,
            "grade": tier.grade,
            "score": change.score,
            "recommendation": change.evaluation.recommendation,
            "policy_version": event.policy.version,
            "reason": event.reason,
            "inputs": {
                **classification_inputs(event).model_dump(mode="json"),
                "abc_share_ranked_above": None
                if change.abc_share is None
                else str(change.abc_share),
                "scorecard": scorecard,
            },
        }


def stored_account(row: Mapping[Any, Any]) -> StoredAccount:
    """What the domain needs of an `accounts` row to tell what an evaluation changed."""
    tier = (
        Tier(row["value_class"], row["frequency_class"], row["abc_class"], row["grade"])
        if row["classified_at"] is not None
        else None
    )
    return StoredAccount(
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

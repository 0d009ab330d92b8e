"""Read side for the API and pages: lists, history, purchase summary and the timeline."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.adapters.tables import (
    account_contacts,
    accounts,
    card_reviews,
    card_versions,
    lifecycle_changes,
    order_returns,
    orders,
    tier_decisions,
    vip_nominations,
)
from accounts.domain.scope import Managers
from chassis.db import is_any_of, managed_by

ACCOUNT_FILTERS = (
    "region",
    "country",
    "segment",
    "account_manager",
    "value_class",
    "frequency_class",
    "abc_class",
    "grade",
    "lifecycle_stage",
    "vip",
    "priority_lead",
    "card_stale",
    "referred_by",
)
SORTABLE = {
    "name": accounts.c.name,
    "account_id": accounts.c.account_id,
    "region": accounts.c.region,
    "segment": accounts.c.segment,
    "net_revenue_12m": accounts.c.net_revenue_12m,
    "order_count_12m": accounts.c.order_count_12m,
    "value_class": accounts.c.value_class,
    "frequency_class": accounts.c.frequency_class,
    "abc_class": accounts.c.abc_class,
    "grade": accounts.c.grade,
    "score": accounts.c.score,
    "lifecycle_stage": accounts.c.lifecycle_stage,
    "last_order_at": accounts.c.last_order_at,
}


# Accounts with their last and next contact (engagement's plan; none before any contact).
ACCOUNT_VIEW = accounts.outerjoin(
    account_contacts, account_contacts.c.account_id == accounts.c.account_id
)
ACCOUNT_COLUMNS = (
    accounts,
    account_contacts.c.last_contact_on,
    account_contacts.c.last_contact_channel,
    account_contacts.c.next_contact_due,
    account_contacts.c.next_contact_kind,
    account_contacts.c.next_contact_origin,
)


def escape_like(text: str) -> str:
    """`text` matched literally by LIKE/ILIKE with `ESCAPE '\\'`: no `%`, `_` or `\\` wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class AccountQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str, *, managers: Managers) -> dict[str, Any] | None:
        row = (
            (
                await self._session.execute(
                    select(*ACCOUNT_COLUMNS)
                    .select_from(ACCOUNT_VIEW)
                    .where(
                        accounts.c.account_id == account_id,
                        managed_by(accounts.c.account_manager, managers),
                    )
                )
            )
            .mappings()
            .first()
        )
        return dict(row) if row else None

    async def names(self, account_ids: list[str]) -> dict[str, tuple[str, str | None]]:
        """Each account's name and account manager (the lists of reports and previews)."""
        result = await self._session.execute(
            select(accounts.c.account_id, accounts.c.name, accounts.c.account_manager).where(
                is_any_of(accounts.c.account_id, account_ids)
            )
        )
        return {row.account_id: (row.name, row.account_manager) for row in result}

    async def tier_history(self, account_id: str) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(tier_decisions)
            .where(tier_decisions.c.account_id == account_id)
            .order_by(tier_decisions.c.decided_at.desc(), tier_decisions.c.id.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def lifecycle_history(self, account_id: str) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(lifecycle_changes)
            .where(lifecycle_changes.c.account_id == account_id)
            .order_by(lifecycle_changes.c.changed_at.desc(), lifecycle_changes.c.id.desc())
        )
        return [dict(row) for row in result.mappings()]

    async def referred_accounts(
        self, account_id: str, *, managers: Managers
    ) -> list[dict[str, Any]]:
        result = await self._session.execute(
            select(accounts.c.account_id, accounts.c.name, accounts.c.lifecycle_stage)
            .where(
                accounts.c.referred_by == account_id,
                managed_by(accounts.c.account_manager, managers),
            )
            .order_by(accounts.c.name)
        )
        return [dict(row) for row in result.mappings()]

    async def search(
        self,
        *,
        filters: dict[str, Any],
        text_query: str | None,
        sort: str,
        descending: bool,
        page: int,
        page_size: int,
        managers: Managers,
    ) -> tuple[list[dict[str, Any]], int]:
        conditions = [
            accounts.c[name] == value for name, value in filters.items() if value is not None
        ]
        conditions.append(managed_by(accounts.c.account_manager, managers))
        if text_query:
            pattern = f"%{escape_like(text_query)}%"
            conditions.append(
                accounts.c.name.ilike(pattern, escape="\\")
                | accounts.c.account_id.ilike(pattern, escape="\\")
            )
        where = and_(True, *conditions)
        total = await self._session.scalar(select(func.count()).select_from(accounts).where(where))
        column = SORTABLE[sort]
        order = column.desc().nulls_last() if descending else column.asc().nulls_last()
        query: Select[Any] = (
            select(*ACCOUNT_COLUMNS)
            .select_from(ACCOUNT_VIEW)
            .where(where)
            .order_by(order, accounts.c.account_id)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        rows = (await self._session.execute(query)).mappings().all()
        return [dict(row) for row in rows], int(total or 0)

    async def distinct_values(self, column: str, *, managers: Managers) -> list[str]:
        """The column's values in order among the accounts in scope. Over every account it
        skips along the column's index from one value to the next, a probe a value, where
        DISTINCT reads every account (27 ms at 100,000); a scope's own accounts are found by
        their manager's index, and DISTINCT over them is the cheaper way."""
        c = accounts.c[column]
        if managers is not None:
            result = await self._session.execute(
                select(c)
                .where(c.is_not(None), managed_by(accounts.c.account_manager, managers))
                .distinct()
                .order_by(c)
            )
            return list(result.scalars())
        found = select(func.min(c).label("value")).cte("found", recursive=True)
        found = found.union_all(
            select(select(func.min(c)).where(c > found.c.value).scalar_subquery()).where(
                found.c.value.is_not(None)
            )
        )
        result = await self._session.execute(
            select(found.c.value).where(found.c.value.is_not(None)).order_by(found.c.value)
        )
        return list(result.scalars())

    async def distribution(self) -> dict[str, dict[str, int]]:
        """How many accounts per value, frequency and ABC class, grade and lifecycle stage."""
        counts: dict[str, dict[str, int]] = {}
        for column in ("value_class", "frequency_class", "abc_class", "grade", "lifecycle_stage"):
            result = await self._session.execute(
                select(accounts.c[column], func.count()).group_by(accounts.c[column])
            )
            counts[column] = {str(value or "none"): int(count) for value, count in result}
        return counts

    async def purchase_summary(
        self, account_id: str, *, window_start: datetime, months: list[datetime]
    ) -> dict[str, Any]:
        """Orders of the account: lifetime and 12-month figures and revenue per month."""
        returned = (
            select(order_returns.c.order_id, func.sum(order_returns.c.amount).label("amount"))
            .where(order_returns.c.customer_id == account_id)
            .group_by(order_returns.c.order_id)
            .subquery()
        )
        net = func.greatest(orders.c.total - func.coalesce(returned.c.amount, 0), 0)
        live = and_(orders.c.placed_at.is_not(None), orders.c.cancelled_at.is_(None))
        in_window = and_(live, orders.c.placed_at >= window_start)
        month = func.date_trunc("month", orders.c.placed_at)
        base = orders.outerjoin(returned, returned.c.order_id == orders.c.order_id)
        row = (
            await self._session.execute(
                select(
                    func.count().filter(live),
                    func.coalesce(func.sum(net).filter(live), 0),
                    func.count().filter(in_window),
                    func.coalesce(func.sum(net).filter(in_window), 0),
                    func.count().filter(orders.c.cancelled_at.is_not(None)),
                    func.coalesce(func.sum(returned.c.amount), 0),
                    func.min(orders.c.placed_at).filter(live),
                    func.max(orders.c.placed_at).filter(live),
                )
                .select_from(base)
                .where(orders.c.customer_id == account_id)
            )
        ).one()
        per_month = await self._session.execute(
            select(month.label("month"), func.count(), func.coalesce(func.sum(net), 0))
            .select_from(base)
            .where(orders.c.customer_id == account_id, in_window)
            .group_by(month)
        )
        by_month = {m.replace(tzinfo=None): (int(c), Decimal(r)) for m, c, r in per_month}
        count_12m = int(row[2])
        revenue_12m = Decimal(row[3])
        return {
            "orders_lifetime": int(row[0]),
            "net_revenue_lifetime": Decimal(row[1]),
            "orders_12m": count_12m,
            "net_revenue_12m": revenue_12m,
            "average_order_12m": (revenue_12m / count_12m).quantize(Decimal("0.01"))
            if count_12m
            else None,
            "cancelled_orders": int(row[4]),
            "returned_amount": Decimal(row[5]),
            "first_order_at": row[6],
            "last_order_at": row[7],
            "months": [
                {
                    "month": start.strftime("%Y-%m"),
                    "orders": by_month.get(start.replace(tzinfo=None), (0, Decimal(0)))[0],
                    "net_revenue": by_month.get(start.replace(tzinfo=None), (0, Decimal(0)))[1],
                }
                for start in months
            ],
        }

    async def timeline(self, account_id: str, limit: int) -> list[dict[str, Any]]:
        """One list, newest first: orders, cancellations, returns, card changes and reviews,
        tier decisions, lifecycle changes and VIP steps."""
        o, r, v = orders.c, order_returns.c, card_versions.c
        sources: list[Select[Any]] = [
            select(
                literal("order").label("kind"),
                o.placed_at.label("at"),
                (o.order_id + literal(": ") + func.to_char(o.total, "FM999G999G999G990D00")).label(
                    "summary"
                ),
                literal("").label("actor"),
            ).where(o.customer_id == account_id, o.placed_at.is_not(None)),
            select(
                literal("cancellation"),
                o.cancelled_at,
                o.order_id + literal(" cancelled"),
                literal(""),
            ).where(o.customer_id == account_id, o.cancelled_at.is_not(None)),
            select(
                literal("return"),
                r.returned_at,
                r.order_id
                + literal(": returned ")
                + func.to_char(r.amount, "FM999G999G999G990D00"),
                literal(""),
            ).where(r.customer_id == account_id),
            select(
                literal("card"),
                v.changed_at,
                literal("card version ")
                + cast(v.version, String)
                + literal(": ")
                + cast(func.jsonb_array_length(v.changes), String)
                + literal(" changes"),
                v.changed_by,
            ).where(v.account_id == account_id),
            select(
                literal("card_review"),
                card_reviews.c.reviewed_at,
                literal("card reviewed"),
                card_reviews.c.reviewed_by,
            ).where(card_reviews.c.account_id == account_id),
            select(
                literal("tier"),
                tier_decisions.c.decided_at,
                tier_decisions.c.reason,
                literal(""),
            ).where(tier_decisions.c.account_id == account_id),
            select(
                literal("lifecycle"),
                lifecycle_changes.c.changed_at,
                func.coalesce(lifecycle_changes.c.previous_stage, literal("?"))
                + literal(" -> ")
                + lifecycle_changes.c.stage
                + literal(": ")
                + lifecycle_changes.c.reason,
                literal(""),
            ).where(lifecycle_changes.c.account_id == account_id),
            select(
                literal("vip"),
                vip_nominations.c.nominated_at,
                literal("nominated as VIP: ") + vip_nominations.c.reason,
                vip_nominations.c.nominated_by,
            ).where(vip_nominations.c.account_id == account_id),
            select(
                literal("vip"),
                vip_nominations.c.decided_at,
                case(
                    (vip_nominations.c.status == "approved", literal("VIP approved")),
                    else_=literal("VIP nomination rejected: ") + vip_nominations.c.decision_note,
                ),
                vip_nominations.c.decided_by,
            ).where(
                vip_nominations.c.account_id == account_id,
                vip_nominations.c.decided_at.is_not(None),
            ),
            select(
                literal("vip"),
                vip_nominations.c.revoked_at,
                literal("VIP revoked: ") + vip_nominations.c.revoke_reason,
                vip_nominations.c.revoked_by,
            ).where(
                vip_nominations.c.account_id == account_id,
                vip_nominations.c.revoked_at.is_not(None),
            ),
        ]
        union = sources[0].union_all(*sources[1:]).subquery()
        result = await self._session.execute(
            select(union).order_by(union.c.at.desc(), union.c.kind).limit(limit)
        )
        return [dict(row) for row in result.mappings()]

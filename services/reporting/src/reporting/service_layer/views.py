"""The figures: read facts through the unit of work, count them with the domain's KPIs.

Each figure carries the ids of the events behind it (its drill-down). Which facts each one
counts, and by which time, is docs/kpis.md.
"""

from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

from chassis.errors import NotFound
from chassis.messages import _
from reporting.adapters.queries import AttributeValue, EventRow, OrderRow, Registration
from reporting.config import ReportingSettings
from reporting.domain import kpis
from reporting.domain.periods import (
    Window,
    months_of,
    parse_as_of,
    parse_period,
    period_of,
    window,
)
from reporting.domain.scope import Scope
from reporting.service_layer.unit_of_work import ReportingUnitOfWork

# Lifecycle stages that are not (or no longer) a customer.
NOT_CUSTOMER = {"prospect", "dormant"}
T = TypeVar("T")
COMPOSITION_DIMENSIONS = ("value_class", "grade", "abc_class", "region", "segment", "vip")


@dataclass
class Figure:
    """A KPI's value (JSON-ready: numbers as decimal strings) and the events behind it."""

    name: str
    value: dict[str, Any]
    event_ids: list[str]
    # For a breakdown: each row's key -> the events behind that row.
    breakdown: dict[str, list[str]] = field(default_factory=dict)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass
class Context:
    uow: ReportingUnitOfWork
    window: Window
    scope: Scope
    settings: ReportingSettings
    owners: dict[str, str | None] = field(default_factory=dict)
    # What several figures of one page read (the orders, an attribute as of a moment, the
    # registrations, the account counts): read once a context, not once a figure. At 100,000
    # accounts each read is a query over every account's facts.
    _read: dict[tuple[Any, ...], Any] = field(default_factory=dict, repr=False)

    async def once(self, key: tuple[Any, ...], read: Callable[[], Awaitable[T]]) -> T:
        """`read()`'s answer, read at the first call with `key` (the answers are not changed)."""
        if key not in self._read:
            self._read[key] = await read()
        answer: T = self._read[key]
        return answer

    @cached_property
    def accounts(self) -> list[str] | None:
        """The accounts in scope (None: the company, every account)."""
        if self.scope.kind == "company":
            return None
        return [key for key, owner in self.owners.items() if self.scope.covers_manager(owner)]

    def in_scope(self, account_id: str) -> bool:
        return self.scope.kind == "company" or self.scope.covers_manager(
            self.owners.get(account_id)
        )

    @property
    def managers_in_scope(self) -> list[str]:
        """The managers a manager's or team's scope covers (empty for the company)."""
        return [str(self.scope.id)] if self.scope.kind == "manager" else list(self.scope.managers)

    @property
    def managers_filter(self) -> list[str] | None:
        """The managers a query of their own rows (visits, targets) is limited to in its SQL
        (None: the company's, every manager)."""
        return None if self.scope.kind == "company" else self.managers_in_scope

    async def managers(self) -> list[str]:
        if self.scope.kind == "manager":
            return [str(self.scope.id)]
        if self.scope.kind == "team":
            return list(self.scope.managers)
        return await self.uow.queries.managers(known=self.window.known)

    async def orders(self) -> list[OrderRow]:
        w = self.window
        return await self.once(
            ("orders",),
            lambda: self.uow.queries.orders(
                start=w.start, end=w.end, known=w.known, accounts=self.accounts
            ),
        )

    async def attribute(self, attribute: str, *, at: datetime) -> dict[str, AttributeValue]:
        """The latest value of `attribute` before `at` of each account in scope, as known at
        the window's cut-off (a manager's few hundred accounts are read, not every account)."""
        return await self.once(
            ("attribute", attribute, at),
            lambda: self.uow.queries.attribute(
                attribute, at=at, known=self.window.known, accounts=self.accounts
            ),
        )

    async def registrations(self) -> list[Registration]:
        """The first registration of each account in scope."""
        return await self.once(
            ("registrations",),
            lambda: self.uow.queries.registrations(known=self.window.known, accounts=self.accounts),
        )


async def context(
    uow: ReportingUnitOfWork, window: Window, scope: Scope, settings: ReportingSettings
) -> Context:
    """Open a context: who owned each account of a manager or team scope at the window's end
    (as then known); the company's scope covers every account whoever owns it."""
    if scope.kind == "company":
        return Context(uow, window, scope, settings)
    ctx = Context(uow, window, scope, settings)
    owners = await uow.queries.owners(
        managers=ctx.managers_in_scope, at=window.end, known=window.known
    )
    ctx.owners = {key: value.value for key, value in owners.items()}
    return ctx


async def _csat(ctx: Context) -> Figure:
    w = ctx.window
    rows = [
        row
        for row in await ctx.uow.queries.feedback(
            start=w.start, end=w.end, known=w.known, accounts=ctx.accounts
        )
        if row.csat is not None and ctx.in_scope(row.account_id)
    ]
    result = kpis.csat(row.csat for row in rows if row.csat is not None)
    return Figure(
        "csat",
        {
            "answers": result.answers,
            "satisfied_share": _text(result.satisfied_share),
            "mean": _text(result.mean),
        },
        [row.event_id for row in rows],
    )


async def _nps(ctx: Context) -> Figure:
    w = ctx.window
    rows = [
        row
        for row in await ctx.uow.queries.feedback(
            start=w.start, end=w.end, known=w.known, accounts=ctx.accounts
        )
        if row.nps is not None and ctx.in_scope(row.account_id)
    ]
    result = kpis.nps(row.nps for row in rows if row.nps is not None)
    return Figure(
        "nps",
        {
            "answers": result.answers,
            "promoters": result.promoters,
            "passives": result.passives,
            "detractors": result.detractors,
            "score": _text(result.score),
        },
        [row.event_id for row in rows],
    )


@dataclass(frozen=True)
class AccountCounts:
    at_start: set[str]
    at_end: set[str]
    new: set[str]
    event_ids: list[str]


async def _account_counts(ctx: Context) -> AccountCounts:
    """Customers at the window's start and end, and the accounts registered within it."""
    return await ctx.once(("account_counts",), lambda: _count_accounts(ctx))


async def _count_accounts(ctx: Context) -> AccountCounts:
    w = ctx.window
    registrations = await ctx.registrations()
    stage_start = await ctx.attribute("stage", at=w.start)
    stage_end = await ctx.attribute("stage", at=w.end)
    in_scope = [row for row in registrations if ctx.in_scope(row.account_id)]

    def customers(at: datetime, stages: dict[str, Any]) -> set[str]:
        return {
            row.account_id
            for row in in_scope
            if row.occurred_at < at
            and (row.account_id not in stages or stages[row.account_id].value not in NOT_CUSTOMER)
        }

    at_start = customers(w.start, stage_start)
    at_end = customers(w.end, stage_end)
    new = {row.account_id for row in in_scope if w.start <= row.occurred_at < w.end}
    touched = at_start | at_end | new
    event_ids = [row.event_id for row in in_scope if row.account_id in touched]
    event_ids += [value.event_id for key, value in stage_end.items() if key in touched]
    return AccountCounts(at_start, at_end, new, event_ids)


async def _retention(ctx: Context) -> Figure:
    counts = await _account_counts(ctx)
    rate = kpis.retention_rate(
        at_start=len(counts.at_start), at_end=len(counts.at_end), new=len(counts.new)
    )
    return Figure(
        "retention",
        {
            "at_start": len(counts.at_start),
            "at_end": len(counts.at_end),
            "new": len(counts.new),
            "rate": _text(rate),
        },
        counts.event_ids,
    )


async def _churn(ctx: Context) -> Figure:
    counts = await _account_counts(ctx)
    lost = counts.at_start - counts.at_end
    return Figure(
        "churn",
        {
            "at_start": len(counts.at_start),
            "lost": len(lost),
            "rate": _text(kpis.churn_rate(at_start=len(counts.at_start), lost=len(lost))),
        },
        counts.event_ids,
    )


async def _growth(ctx: Context) -> Figure:
    counts = await _account_counts(ctx)
    return Figure(
        "new_accounts",
        {
            "at_start": len(counts.at_start),
            "new": len(counts.new),
            "growth_rate": _text(
                kpis.growth_rate(at_start=len(counts.at_start), new=len(counts.new))
            ),
        },
        counts.event_ids,
    )


def _order_events(rows: list[OrderRow]) -> list[str]:
    return [event_id for row in rows for event_id in (row.event_id, *row.change_event_ids)]


async def _repeat_purchase(ctx: Context) -> Figure:
    rows = await ctx.orders()
    per_account = Counter(row.account_id for row in rows)
    return Figure(
        "repeat_purchase",
        {
            "buyers": len(per_account),
            "repeat_buyers": sum(1 for count in per_account.values() if count >= 2),
            "rate": _text(kpis.repeat_purchase_rate(per_account)),
        },
        _order_events(rows),
    )


async def _clv(ctx: Context) -> Figure:
    rows = await ctx.orders()
    revenue = sum((row.net for row in rows), Decimal(0))
    buyers = len({row.account_id for row in rows})
    days = (ctx.window.end - ctx.window.start).days
    result = kpis.lifetime_value(
        revenue=revenue,
        orders=len(rows),
        buyers=buyers,
        period_days=days,
        lifespan_years=ctx.settings.clv_lifespan_years,
    )
    return Figure(
        "clv",
        {
            "revenue": str(revenue),
            "orders": len(rows),
            "buyers": buyers,
            "average_order_value": _text(result.average_order_value),
            "orders_per_account_year": _text(result.orders_per_account_year),
            "lifespan_years": str(result.lifespan_years),
            "value": _text(result.value),
        },
        _order_events(rows),
    )


async def _referral(ctx: Context) -> Figure:
    counts = await _account_counts(ctx)
    w = ctx.window
    referred_by = await ctx.attribute("referred_by", at=w.end)
    referred = {
        key for key in counts.new if key in referred_by and referred_by[key].value is not None
    }
    return Figure(
        "referral",
        {
            "new": len(counts.new),
            "referred": len(referred),
            "rate": _text(kpis.referral_rate(new=len(counts.new), referred=len(referred))),
        },
        counts.event_ids + [referred_by[key].event_id for key in sorted(referred)],
    )


async def _complaint_rate(ctx: Context) -> Figure:
    w = ctx.window
    counts = await _account_counts(ctx)
    filed = [
        row
        for row in await ctx.uow.queries.tickets(
            start=w.start, end=w.end, known=w.known, accounts=ctx.accounts
        )
        if row.kind == "filed" and ctx.in_scope(row.account_id)
    ]
    return Figure(
        "complaint_rate",
        {
            "tickets": len(filed),
            "active_accounts": len(counts.at_end),
            "per_100_accounts": _text(
                kpis.complaint_rate(tickets=len(filed), active_accounts=len(counts.at_end))
            ),
        },
        [row.event_id for row in filed],
    )


async def _sla(ctx: Context) -> Figure:
    w = ctx.window
    rows = [
        row
        for row in await ctx.uow.queries.tickets(
            start=w.start, end=w.end, known=w.known, accounts=ctx.accounts
        )
        if row.kind in ("met", "breached") and ctx.in_scope(row.account_id)
    ]
    by_clock: dict[str, Counter[str]] = defaultdict(Counter)
    breakdown: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        clock = row.clock or "unknown"
        by_clock[clock][row.kind] += 1
        breakdown[clock].append(row.event_id)
    met = sum(counter["met"] for counter in by_clock.values())
    breached = sum(counter["breached"] for counter in by_clock.values())
    return Figure(
        "sla_compliance",
        {
            "met": met,
            "breached": breached,
            "rate": _text(kpis.sla_compliance(met=met, breached=breached)),
            "clocks": [
                {
                    "clock": clock,
                    "met": counter["met"],
                    "breached": counter["breached"],
                    "rate": _text(
                        kpis.sla_compliance(met=counter["met"], breached=counter["breached"])
                    ),
                }
                for clock, counter in sorted(by_clock.items())
            ],
        },
        [row.event_id for row in rows],
        dict(breakdown),
    )


async def _visits(ctx: Context) -> Figure:
    w = ctx.window
    managers = await ctx.managers()
    rows = [
        row
        for row in await ctx.uow.queries.visits(
            start=w.start_day, end=w.end_day, known=w.known, managers=ctx.managers_filter
        )
        if ctx.scope.covers_manager(row.manager)
    ]
    per_manager: dict[str, list[str]] = {manager: [] for manager in managers}
    for row in rows:
        per_manager.setdefault(row.manager, []).append(row.event_id)
    months = w.period.months
    norm = ctx.settings.visit_norm_per_month
    result = kpis.visits_per_month(
        visits=len(rows), managers=len(per_manager), months=months, norm=norm
    )

    def one(manager: str, ids: list[str]) -> dict[str, Any]:
        own = kpis.visits_per_month(visits=len(ids), managers=1, months=months, norm=norm)
        return {
            "manager": manager,
            "visits": len(ids),
            "per_month": _text(own.per_manager_month),
            "of_norm": _text(own.of_norm),
            "below_norm": own.per_manager_month is not None and own.per_manager_month < norm,
        }

    return Figure(
        "visits",
        {
            "visits": result.visits,
            "managers": result.managers,
            "months": result.months,
            "per_manager_month": _text(result.per_manager_month),
            "norm": result.norm,
            "of_norm": _text(result.of_norm),
            "by_manager": [one(manager, ids) for manager, ids in sorted(per_manager.items())],
        },
        [row.event_id for row in rows],
        per_manager,
    )


async def _plan(ctx: Context, *, kind: str | None = None) -> list[Any]:
    w = ctx.window
    rows = await ctx.once(
        ("plan_items",),
        lambda: ctx.uow.queries.plan_items(
            due_from=w.start_day,
            due_before=w.end_day,
            end=w.end,
            known=w.known,
            owners=None if ctx.scope.kind == "company" else ctx.managers_in_scope,
        ),
    )
    return [
        row
        for row in rows
        if ctx.scope.covers_manager(row.owner) and (kind is None or row.kind == kind)
    ]


async def _plan_completion(ctx: Context) -> Figure:
    rows = [row for row in await _plan(ctx) if row.state != "cancelled"]
    done = [row for row in rows if row.state == "done"]
    return Figure(
        "plan_completion",
        {
            "due": len(rows),
            "done": len(done),
            "missed": sum(1 for row in rows if row.state == "missed"),
            "rate": _text(kpis.plan_completion(done=len(done), due=len(rows))),
        },
        [row.event_id for row in rows],
    )


async def _follow_ups(ctx: Context) -> Figure:
    rows = [row for row in await _plan(ctx, kind="follow_up") if row.state in ("done", "missed")]
    on_time = [row for row in rows if row.state == "done" and row.on_time]
    return Figure(
        "follow_ups_on_time",
        {
            "ended": len(rows),
            "on_time": len(on_time),
            "rate": _text(kpis.follow_ups_on_time(on_time=len(on_time), ended=len(rows))),
        },
        [row.event_id for row in rows],
    )


async def _sales(ctx: Context) -> Figure:
    w = ctx.window
    rows = await ctx.orders()
    actual = sum((row.net for row in rows), Decimal(0))
    managers = set(await ctx.managers())
    months = months_of(w.period)
    targets = await ctx.uow.queries.targets(
        months=[m.label for m in months], known=w.known, managers=ctx.managers_filter
    )
    target = Decimal(0)
    target_ids = []
    for row in targets:
        if row.manager not in managers:
            continue
        month = next(m for m in months if m.label == row.month)
        overlap = (min(month.end, w.period.end) - max(month.start, w.period.start)).days
        target += kpis.prorated_target(monthly=row.amount, days=overlap, days_in_month=month.days)
        target_ids.append(row.event_id)
    has_target = bool(target_ids)
    return Figure(
        "sales_vs_target",
        {
            "actual": str(actual),
            "target": str(target) if has_target else None,
            "share": _text(kpis.target_share(actual=actual, target=target if has_target else None)),
        },
        _order_events(rows) + target_ids,
    )


KPIS: dict[str, Callable[[Context], Awaitable[Figure]]] = {
    "csat": _csat,
    "nps": _nps,
    "retention": _retention,
    "churn": _churn,
    "new_accounts": _growth,
    "repeat_purchase": _repeat_purchase,
    "clv": _clv,
    "referral": _referral,
    "complaint_rate": _complaint_rate,
    "sla_compliance": _sla,
    "visits": _visits,
    "plan_completion": _plan_completion,
    "follow_ups_on_time": _follow_ups,
    "sales_vs_target": _sales,
}


async def figure(ctx: Context, name: str) -> Figure:
    if name in KPIS:
        return await KPIS[name](ctx)
    dimension = name.removeprefix("revenue_by_")
    if name.startswith("revenue_by_") and dimension in (*COMPOSITION_DIMENSIONS, "category"):
        return await revenue_share(ctx, dimension)
    if name == "vip_performance":
        return await vip_performance(ctx)
    raise NotFound(_("no figure %(figure)r") % {"figure": name}, code="figure_not_found")


async def revenue_share(ctx: Context, dimension: str) -> Figure:
    """Net revenue by an account attribute as of the window's end, or gross line amounts by
    product category."""
    rows = await ctx.orders()
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    breakdown: dict[str, list[str]] = defaultdict(list)
    if dimension == "category":
        by_order = {row.order_id: row for row in rows}
        for line in await ctx.uow.queries.lines(list(by_order)):
            amounts[line.category] += line.amount
            breakdown[line.category].append(by_order[line.order_id].event_id)
    else:
        w = ctx.window
        values = await ctx.attribute(dimension, at=w.end)
        default = "non-vip" if dimension == "vip" else "unknown"
        for row in rows:
            value = values.get(row.account_id)
            key = (value.value if value else None) or default
            amounts[key] += row.net
            breakdown[key].append(row.event_id)
    shares = kpis.shares(amounts)
    return Figure(
        f"revenue_by_{dimension}",
        {
            "dimension": dimension,
            "total": str(sum(amounts.values(), Decimal(0))),
            "rows": [
                {"key": key, "revenue": str(amounts[key]), "share": _text(share)}
                for key, share in shares.items()
            ],
        },
        sorted({event_id for ids in breakdown.values() for event_id in ids}),
        {key: sorted(set(ids)) for key, ids in breakdown.items()},
    )


async def vip_performance(ctx: Context) -> Figure:
    """VIP against non-VIP accounts: customers, net revenue, revenue per customer."""
    w = ctx.window
    counts = await _account_counts(ctx)
    vip = await ctx.attribute("vip", at=w.end)
    rows = await ctx.orders()

    def group(account_id: str) -> str:
        value = vip.get(account_id)
        return "vip" if value is not None and value.value == "vip" else "non-vip"

    revenue: dict[str, Decimal] = {"vip": Decimal(0), "non-vip": Decimal(0)}
    breakdown: dict[str, list[str]] = {"vip": [], "non-vip": []}
    for row in rows:
        revenue[group(row.account_id)] += row.net
        breakdown[group(row.account_id)].append(row.event_id)
    customers = Counter(group(account_id) for account_id in counts.at_end)
    result = []
    for key in ("vip", "non-vip"):
        per = revenue[key] / customers[key] if customers[key] else None
        result.append(
            {
                "group": key,
                "customers": customers[key],
                "revenue": str(revenue[key]),
                "revenue_per_customer": _text(per.quantize(kpis.CENT) if per is not None else None),
            }
        )
    return Figure(
        "vip_performance",
        {"rows": result},
        breakdown["vip"] + breakdown["non-vip"],
        breakdown,
    )


def daily_days(window: Window) -> list[date]:
    """The days of the window, for a sales-by-day chart."""
    day = window.start_day
    days = []
    while day < window.end_day:
        days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


async def sales_by_day(ctx: Context) -> list[tuple[date, Decimal]]:
    """Net revenue per day of the window (for the dashboard's chart)."""
    rows = await ctx.orders()
    per_day: dict[date, Decimal] = defaultdict(Decimal)
    for row in rows:
        per_day[row.occurred_at.date()] += row.net
    return [(day, per_day.get(day, Decimal(0))) for day in daily_days(ctx.window)]


@dataclass(frozen=True)
class Question:
    """A figure's parameters, parsed: the window (period cut at `as_of`) and the scope."""

    window: Window
    scope: Scope


def question(*, period: str | None, as_of: str | None, today: date, scope: Scope) -> Question:
    """Parse the API's and pages' period and day; a bad one raises a 4xx error. The period
    defaults to the month of `as_of`. The scope is the caller's to choose (reporting.api)."""
    day = parse_as_of(as_of, today)
    chosen = parse_period(period) if period else period_of("month", day)
    return Question(window(chosen, day), scope)


DASHBOARD = tuple(KPIS)
COMPOSITION = (
    *(f"revenue_by_{dimension}" for dimension in (*COMPOSITION_DIMENSIONS, "category")),
    "vip_performance",
    "new_accounts",
    "churn",
)


async def figures(
    uow: ReportingUnitOfWork, asked: Question, settings: ReportingSettings, names: Sequence[str]
) -> list[Figure]:
    ctx = await context(uow, asked.window, asked.scope, settings)
    return [await figure(ctx, name) for name in names]


async def drill_down(
    uow: ReportingUnitOfWork,
    asked: Question,
    settings: ReportingSettings,
    name: str,
    key: str | None,
) -> list[EventRow]:
    """The events behind a figure, or behind one row of its breakdown."""
    (found,) = await figures(uow, asked, settings, [name])
    if key is None:
        return await uow.queries.events(found.event_ids)
    if key not in found.breakdown:
        raise NotFound(
            _("%(figure)s has no row %(key)r") % {"figure": name, "key": key}, code="row_not_found"
        )
    return await uow.queries.events(found.breakdown[key])

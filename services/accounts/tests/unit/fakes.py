"""In-memory fakes of the accounts unit of work and its repositories (cosmicpython style).

They keep the repositories' contracts (what goes in, what comes out), not their SQL, so the
service-layer handlers run in memory: no Kafka, no PostgreSQL. What a handler published is
in `FakeUnitOfWork.events` once it committed (as the outbox would hold it).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from types import TracebackType
from typing import Any, Self

from accounts.adapters.erp_repository import MASTER_FIELDS, MasterDataChange
from accounts.adapters.evaluations_repository import stored_account
from accounts.domain import timers
from accounts.domain.changes import EvaluationChange, StoredAccount
from accounts.domain.classification import TrailingFigures
from accounts.domain.contacts import OPEN_STATES, NextContact, PlanChanges, PlanItem
from accounts.domain.evaluation import AccountFacts
from accounts.domain.events import DomainEvent
from accounts.domain.lifecycle import OrderHistory
from accounts.domain.scorecard import ScorecardFacts
from accounts.domain.tier_policy import TierPolicy, policy_from_document, policy_to_document
from chassis.kafka import ReceivedEvent
from contracts.complaints_v1 import TicketFiled
from contracts.engagement_v1 import FeedbackRecorded
from contracts.erp_v1 import CustomerUpserted, OrderCancelled, OrderPlaced, OrderReturned


def account_row(account_id: str, **values: Any) -> dict[str, Any]:
    """A stored account with the table's defaults."""
    return {
        "account_id": account_id,
        "name": account_id,
        "region": "",
        "country": "",
        "segment": "",
        "address": "",
        "account_manager": None,
        "erp_updated_at": datetime.min.replace(tzinfo=UTC),
        "registered_at": None,
        "order_count_12m": 0,
        "net_revenue_12m": Decimal(0),
        "value_class": "low",
        "frequency_class": "low",
        "classified_at": None,
        "origin": "erp",
        "referred_by": None,
        "priority_lead": False,
        "vip": False,
        "vip_since": None,
        "abc_class": None,
        "grade": None,
        "score": None,
        "recommendation": None,
        "policy_version": None,
        "lifecycle_stage": "prospect",
        "lifecycle_changed_at": None,
        "lifecycle_reason": None,
        "first_order_at": None,
        "last_order_at": None,
        "card_reviewed_at": None,
        "card_stale": False,
        "next_evaluation_at": None,
        **values,
    }


@dataclass
class Store:
    """The data the fake repositories share, as the tables would hold it."""

    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    returns: dict[tuple[str, datetime], OrderReturned] = field(default_factory=dict)
    tier_decisions: list[dict[str, Any]] = field(default_factory=list)
    timers: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)
    inbox: set[tuple[str, str]] = field(default_factory=set)
    policies: dict[int, dict[str, Any]] = field(default_factory=dict)
    nominations: dict[int, dict[str, Any]] = field(default_factory=dict)
    cards: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    card_reviews: list[dict[str, Any]] = field(default_factory=list)
    access_log: list[dict[str, Any]] = field(default_factory=list)
    feedback: dict[str, FeedbackRecorded] = field(default_factory=dict)
    complaints: dict[str, TicketFiled] = field(default_factory=dict)
    feeds: dict[str, datetime] = field(default_factory=dict)
    plan_items: dict[str, PlanItem] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    reports: dict[int, dict[str, Any]] = field(default_factory=dict)
    report_lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    key_dates_queue: set[str] = field(default_factory=set)


class FakeLocks:
    async def lock_policy_shared(self) -> None:
        """One process, one transaction at a time: nothing to serialise."""

    async def lock_policy_exclusive(self) -> None:
        """As above."""

    async def lock_accounts(self, account_ids: Iterable[str]) -> None:
        """As above."""


class FakeInbox:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def new_events(
        self, *, consumer: str, events: Sequence[ReceivedEvent]
    ) -> list[ReceivedEvent]:
        fresh = []
        for event in events:
            if (consumer, event.id) not in self._store.inbox:
                self._store.inbox.add((consumer, event.id))
                fresh.append(event)
        return fresh


class FakePolicies:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def active(self) -> TierPolicy | None:
        for row in self._store.policies.values():
            if row["status"] == "active":
                return policy_from_document(row["document"], row["version"])
        return None

    async def seed(self, policy: TierPolicy, *, at: datetime) -> None:
        if not self._store.policies:
            self._store.policies[1] = self._row(1, "active", policy, note="", by="system", at=at)
            self._store.policies[1].update(activated_by="system", activated_at=at)

    async def get(self, version: int) -> dict[str, Any] | None:
        row = self._store.policies.get(version)
        return dict(row) if row else None

    async def add_draft(self, policy: TierPolicy, *, note: str, by: str, at: datetime) -> int:
        version = max(self._store.policies, default=0) + 1
        self._store.policies[version] = self._row(version, "draft", policy, note=note, by=by, at=at)
        return version

    async def activate(self, version: int, *, by: str, at: datetime) -> None:
        for row in self._store.policies.values():
            if row["status"] == "active":
                row.update(status="retired", retired_at=at)
        self._store.policies[version].update(status="active", activated_by=by, activated_at=at)

    @staticmethod
    def _row(
        version: int, status: str, policy: TierPolicy, *, note: str, by: str, at: datetime
    ) -> dict[str, Any]:
        return {
            "version": version,
            "status": status,
            "document": policy_to_document(policy),
            "note": note,
            "created_by": by,
            "created_at": at,
        }


class FakeErp:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def upsert_customers(
        self, customers: Sequence[CustomerUpserted]
    ) -> tuple[set[str], dict[str, MasterDataChange]]:
        registered: set[str] = set()
        changed: dict[str, MasterDataChange] = {}
        for c in customers:
            master = {f: getattr(c, f) for f in MASTER_FIELDS}
            old = self._store.accounts.get(c.customer_id)
            if old is None:
                self._store.accounts[c.customer_id] = account_row(
                    c.customer_id, **master, erp_updated_at=c.updated_at, registered_at=c.updated_at
                )
                registered.add(c.customer_id)
            elif old["erp_updated_at"] <= c.updated_at:
                fields = [f for f in MASTER_FIELDS if old[f] != master[f]]
                old.update(master, erp_updated_at=c.updated_at, origin="erp")
                if fields:
                    changed[c.customer_id] = MasterDataChange(
                        fields, old["referred_by"], old["priority_lead"]
                    )
        return registered, changed

    async def record_placed_orders(self, placed: Sequence[OrderPlaced]) -> None:
        for o in placed:
            row = self._store.orders.setdefault(o.order_id, {"cancelled_at": None})
            row.update(customer_id=o.customer_id, placed_at=o.placed_at, total=o.total)

    async def record_cancellations(self, cancelled: Sequence[OrderCancelled]) -> None:
        for c in cancelled:
            row = self._store.orders.setdefault(
                c.order_id, {"customer_id": c.customer_id, "placed_at": None, "total": Decimal(0)}
            )
            row["cancelled_at"] = row.get("cancelled_at") or c.cancelled_at

    async def record_returns(self, returned: Sequence[OrderReturned]) -> None:
        for r in returned:
            self._store.returns.setdefault((r.order_id, r.returned_at), r)


class FakeEvaluations:
    """Orders only: no feedback, complaints or referrals (their feeds have not started)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def all_revenues(self) -> dict[str, tuple[Decimal, str | None]]:
        return {
            account_id: (row["net_revenue_12m"], row["abc_class"])
            for account_id, row in self._store.accounts.items()
        }

    async def stored_accounts(self, account_ids: Iterable[str]) -> dict[str, StoredAccount]:
        rows = self._store.accounts
        return {
            account_id: stored_account(rows[account_id])
            for account_id in set(account_ids)
            if account_id in rows
        }

    def _placed(self, account_id: str) -> list[dict[str, Any]]:
        """The account's placed, not cancelled orders, oldest first, each net of returns."""
        placed = [
            {**o, "net": self._net(order_id, o["total"])}
            for order_id, o in self._store.orders.items()
            if o["customer_id"] == account_id
            and o["placed_at"] is not None
            and o["cancelled_at"] is None
        ]
        return sorted(placed, key=lambda o: o["placed_at"])

    def _net(self, order_id: str, total: Decimal) -> Decimal:
        returned = sum(
            (r.amount for (o, _), r in self._store.returns.items() if o == order_id), Decimal(0)
        )
        return max(total - returned, Decimal(0))

    async def trailing_figures(
        self, account_ids: Iterable[str], *, window_start: datetime, until: datetime | None = None
    ) -> dict[str, tuple[int, Decimal]]:
        figures = {}
        for account_id in set(account_ids):
            nets = [
                o["net"]
                for o in self._placed(account_id)
                if o["placed_at"] >= window_start and (until is None or o["placed_at"] < until)
            ]
            if nets:
                figures[account_id] = (sum(1 for n in nets if n > 0), sum(nets, Decimal(0)))
        return figures

    async def evaluation_facts(
        self,
        stored: dict[str, StoredAccount],
        *,
        as_of: datetime,
        window_start: datetime,
        recent_orders: int,
        until: datetime | None = None,
    ) -> dict[str, AccountFacts]:
        figures = await self.trailing_figures(stored, window_start=window_start, until=until)
        facts = {}
        for account_id, account in stored.items():
            count, revenue = figures.get(account_id, (0, Decimal(0)))
            times = [o["placed_at"] for o in self._placed(account_id)]
            history = OrderHistory(
                times[0] if times else None,
                times[-1] if times else None,
                tuple(times[-recent_orders:]),
            )
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
                    csat_average=None,
                    nps_average=None,
                    feedback_count_12m=0,
                    complaints_12m=0,
                    complaints_known=False,
                    referrals=0,
                ),
                vip=account.vip,
                card_reviewed_at=account.card_reviewed_at,
                oldest_in_window=(min((t for t in times if t >= window_start), default=None),),
            )
        return facts

    async def save(self, changes: Sequence[EvaluationChange]) -> None:
        for change in changes:
            evaluation, tier = change.evaluation, change.evaluation.tier
            row = self._store.accounts[change.account_id]
            row.update(
                order_count_12m=evaluation.figures.order_count,
                net_revenue_12m=evaluation.figures.net_revenue,
                value_class=tier.value_class,
                frequency_class=tier.frequency_class,
                abc_class=tier.abc_class,
                grade=tier.grade,
                score=change.score,
                recommendation=evaluation.recommendation,
                policy_version=change.policy.version,
                lifecycle_stage=evaluation.lifecycle.stage,
                first_order_at=evaluation.first_order_at,
                last_order_at=evaluation.last_order_at,
                card_stale=evaluation.card_stale,
                next_evaluation_at=evaluation.next_due,
            )
            if change.tier_reason is not None:
                row["classified_at"] = change.as_of
                self._store.tier_decisions.append(
                    {"account_id": change.account_id, "reason": change.tier_reason}
                )
            if change.stage_changed:
                row["lifecycle_changed_at"] = change.as_of
                row["lifecycle_reason"] = evaluation.lifecycle.reason


class FakeSignals:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def record_feedback(self, answers: Sequence[FeedbackRecorded]) -> None:
        for a in answers:
            self._store.feedback.setdefault(a.feedback_id, a)

    async def record_complaints(self, filed: Sequence[TicketFiled]) -> None:
        for t in filed:
            self._store.complaints.setdefault(t.ticket_id, t)

    async def mark_feed_started(self, feed: str, at: datetime) -> bool:
        if feed in self._store.feeds:
            return False
        self._store.feeds[feed] = at
        return True


class FakeContacts:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def save(self, changes: PlanChanges) -> None:
        items = self._store.plan_items
        for item_id in changes.removed:
            items.pop(item_id, None)
        items.update(changes.items)
        for move in changes.moves.values():
            if move.item_id in items:
                items[move.item_id] = replace(
                    items[move.item_id], state=move.state, due_on=move.due_on
                )
        for contact in changes.last_contacts.values():
            row = self._store.contacts.setdefault(contact.account_id, {})
            if row.get("last_contact_on") is None or row["last_contact_on"] <= contact.on:
                row.update(last_contact_on=contact.on, last_contact_channel=contact.channel)

    async def open_items(self, account_ids: Iterable[str]) -> dict[str, list[PlanItem]]:
        wanted = set(account_ids)
        found: dict[str, list[PlanItem]] = {}
        for item in self._store.plan_items.values():
            if item.account_id in wanted and item.state in OPEN_STATES:
                found.setdefault(item.account_id, []).append(item)
        return found

    async def set_next(self, next_contacts: dict[str, NextContact | None]) -> None:
        for account_id, contact in next_contacts.items():
            self._store.contacts.setdefault(account_id, {})["next_contact"] = contact


class FakeTimers:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def reschedule_evaluations(self, due: dict[str, datetime | None]) -> None:
        for account_id, at in due.items():
            self._store.timers[timers.evaluation_key(account_id)] = (timers.EVALUATE, at)

    async def ensure_timer(self, key: str, kind: str, at: datetime) -> None:
        self._store.timers.setdefault(key, (kind, at))


class FakeAccounts:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def all_ids(self) -> list[str]:
        return sorted(self._store.accounts)

    async def account_row(
        self, account_id: str, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        row = self._store.accounts.get(account_id)
        return dict(row) if row else None

    async def update_account(self, account_id: str, **values: Any) -> None:
        self._store.accounts[account_id].update(values)

    async def add_prospect(self, row: dict[str, Any]) -> bool:
        if row["account_id"] in self._store.accounts:
            return False
        self._store.accounts[row["account_id"]] = account_row(**row)
        return True

    async def refers_back(self, account_id: str, referrer_id: str) -> bool:
        seen: set[str] = set()
        current = self._store.accounts[referrer_id]["referred_by"]
        while current is not None and current not in seen:
            if current == account_id:
                return True
            seen.add(current)
            current = self._store.accounts.get(current, {}).get("referred_by")
        return False


class FakeQueries:
    """The read model's lookups that handlers use."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def names(self, account_ids: list[str]) -> dict[str, tuple[str, str | None]]:
        rows = self._store.accounts
        return {
            account_id: (rows[account_id]["name"], rows[account_id]["account_manager"])
            for account_id in account_ids
            if account_id in rows
        }


class FakeVip:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def has_pending(self, account_id: str) -> bool:
        return any(
            n["account_id"] == account_id and n["status"] == "pending"
            for n in self._store.nominations.values()
        )

    async def nominate(self, *, account_id: str, reason: str, by: str, at: datetime) -> int:
        nomination_id = len(self._store.nominations) + 1
        self._store.nominations[nomination_id] = {
            "id": nomination_id,
            "account_id": account_id,
            "status": "pending",
            "reason": reason,
            "nominated_by": by,
            "nominated_at": at,
        }
        return nomination_id

    async def get(self, nomination_id: int, *, for_update: bool = False) -> dict[str, Any] | None:
        row = self._store.nominations.get(nomination_id)
        return dict(row) if row else None

    async def decide(
        self, nomination_id: int, *, status: str, by: str, at: datetime, note: str
    ) -> None:
        self._store.nominations[nomination_id].update(
            status=status, decided_by=by, decided_at=at, decision_note=note
        )

    async def mark_revoked(self, account_id: str, *, by: str, at: datetime, reason: str) -> None:
        approved = [
            n
            for n in self._store.nominations.values()
            if n["account_id"] == account_id and n["status"] == "approved"
        ]
        if approved:
            latest = max(approved, key=lambda n: n["decided_at"])
            latest.update(revoked_by=by, revoked_at=at, revoke_reason=reason)


class FakeReports:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def exists(self, period: str) -> bool:
        return any(r["period"] == period for r in self._store.reports.values())

    async def add(self, report: dict[str, Any], lines: Sequence[dict[str, Any]]) -> int:
        report_id = len(self._store.reports) + 1
        self._store.reports[report_id] = {
            **report,
            "id": report_id,
            "reviewed_by": None,
            "reviewed_at": None,
            "review_note": None,
        }
        self._store.report_lines[report_id] = [{**line, "report_id": report_id} for line in lines]
        return report_id

    async def get(self, report_id: int) -> dict[str, Any] | None:
        row = self._store.reports.get(report_id)
        return dict(row) if row else None

    async def review(self, report_id: int, *, by: str, at: datetime, note: str) -> None:
        self._store.reports[report_id].update(reviewed_by=by, reviewed_at=at, review_note=note)


class FakeCards:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def current(self, account_id: str, *, for_update: bool = False) -> dict[str, Any] | None:
        versions = self._store.cards.get(account_id)
        return dict(versions[-1]) if versions else None

    async def current_of(self, account_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return {a: dict(self._store.cards[a][-1]) for a in account_ids if self._store.cards.get(a)}

    async def claim_key_dates_republish(self, limit: int) -> list[str]:
        claimed = sorted(self._store.key_dates_queue)[:limit]
        self._store.key_dates_queue.difference_update(claimed)
        return claimed

    async def save(
        self,
        *,
        account_id: str,
        version: int,
        content: dict[str, Any],
        changes: list[dict[str, str]],
        by: str,
        at: datetime,
    ) -> None:
        self._store.cards.setdefault(account_id, []).append(
            {"version": version, "content": content, "changes": changes, "by": by, "at": at}
        )

    async def add_review(self, *, account_id: str, by: str, at: datetime, note: str) -> None:
        self._store.card_reviews.append({"account_id": account_id, "by": by, "at": at})

    async def log_access(
        self, *, account_id: str, actor: str, action: str, what: str, purpose: str, at: datetime
    ) -> None:
        self._store.access_log.append({"account_id": account_id, "action": action, "what": what})


class FakeUnitOfWork:
    """The accounts unit of work in memory: only `commit()` keeps what was published.

    Writes to the store are not rolled back on an error: tests of a refusal check the events.
    """

    def __init__(self, store: Store | None = None) -> None:
        self.store = store or Store()
        self.locks = FakeLocks()
        self.inbox = FakeInbox(self.store)
        self.policies = FakePolicies(self.store)
        self.erp = FakeErp(self.store)
        self.evaluations = FakeEvaluations(self.store)
        self.timers = FakeTimers(self.store)
        self.signals = FakeSignals(self.store)
        self.accounts = FakeAccounts(self.store)
        self.vip = FakeVip(self.store)
        self.cards = FakeCards(self.store)
        self.contacts = FakeContacts(self.store)
        self.reports = FakeReports(self.store)
        self.queries = FakeQueries(self.store)
        self.events: list[DomainEvent] = []
        self.commits = 0
        self._pending: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        self._pending = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pending = []

    def publish(self, *events: DomainEvent) -> None:
        self._pending.extend(events)

    async def commit(self) -> None:
        self.events.extend(self._pending)
        self._pending = []
        self.commits += 1

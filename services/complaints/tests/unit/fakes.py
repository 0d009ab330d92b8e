"""In-memory fakes of the complaints unit of work and its repositories (cosmicpython style):
service-layer handlers run against them without PostgreSQL or Kafka.

Each fake keeps what its repository would write, in the shape a test asserts on: tickets as
saved, pending timers by (ticket, kind), contract events published or staged.
"""

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from chassis.audit import Access
from chassis.scheduler import DueTimer, ceil_to_millisecond
from complaints.adapters.published import event_id, timed_event_id, to_contract
from complaints.domain.calendar import BusinessCalendar
from complaints.domain.events import TimedEvent
from complaints.domain.policy import SlaPolicy
from complaints.domain.scope import Visibility
from complaints.domain.tickets import AccountView, Ticket
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork
from contracts.envelope import EventData


@dataclass(frozen=True)
class Staged:
    ticket_id: str
    at: datetime
    event: EventData


class FakeOutboxRepository:
    def __init__(self) -> None:
        # id -> event; a None id is a fresh one, so those are only listed.
        self.published: list[tuple[str | None, EventData]] = []
        self.staged: dict[str, Staged] = {}
        # Staged ids a relay has published at their moment: they stay in the outbox.
        self.sent: set[str] = set()

    async def record(self, changed: Sequence[Ticket]) -> None:
        known = {known for known, _ in self.published if known} | set(self.staged)
        for ticket in changed:
            for event in ticket.events:
                known_id = event_id(ticket, event)
                if known_id not in known:
                    self.published.append((known_id, to_contract(ticket, event)))

    def stage(self, ticket: Ticket, event: TimedEvent) -> None:
        self.staged[timed_event_id(ticket, event)] = Staged(
            ticket.id, ceil_to_millisecond(event.at), to_contract(ticket, event)
        )

    def withdraw(self, ticket_ids: Iterable[str]) -> None:
        wanted = set(ticket_ids)
        for known_id, staged in list(self.staged.items()):
            if staged.ticket_id in wanted and known_id not in self.sent:
                del self.staged[known_id]

    def events(self) -> list[EventData]:
        """What was published at once, in order."""
        return [event for _, event in self.published]


class FakeTicketRepository:
    def __init__(self, outbox: FakeOutboxRepository) -> None:
        self._outbox = outbox
        self.saved: dict[str, Ticket] = {}
        self.history: dict[str, list[str]] = {}

    async def get(
        self, ticket_id: str, *, visible_to: Visibility, lock: bool = True
    ) -> Ticket | None:
        # Who sees which ticket is SQL (complaints.adapters.scoping), tested on PostgreSQL.
        assert visible_to is None, "the fake sees every ticket"
        return (await self.get_many([ticket_id], lock=lock)).get(ticket_id)

    async def get_many(
        self, ticket_ids: Iterable[str], *, lock: bool = True, remember: bool = True
    ) -> dict[str, Ticket]:
        ids = sorted(set(ticket_ids) & set(self.saved))
        if lock:
            self._outbox.withdraw(ids)
        # Copies, as loading rows builds new objects: an unsaved change is lost.
        return {ticket_id: copy.deepcopy(self.saved[ticket_id]) for ticket_id in ids}

    async def save(self, changed: Sequence[Ticket], *, now: datetime) -> None:
        for ticket in changed:
            self.history.setdefault(ticket.id, []).extend(e.action for e in ticket.history)
            ticket.history.clear()
            self.saved[ticket.id] = copy.deepcopy(ticket)

    async def count_recent_for_account(self, account_id: str, *, since: datetime) -> int:
        return sum(t.account_id == account_id and t.opened_at >= since for t in self.saved.values())

    async def count_same_root_cause(
        self, root_cause: str, *, since: datetime, other_than: str
    ) -> int:
        wanted = root_cause.strip().lower()
        return sum(
            (t.root_cause or "").strip().lower() == wanted
            and t.opened_at >= since
            and t.id != other_than
            for t in self.saved.values()
        )

    async def ids_with_started_clocks_on(self, calendar: str) -> list[str]:
        return [
            t.id
            for t in self.saved.values()
            if any(
                c.target.calendar == calendar and c.state in ("running", "paused")
                for c in t.clocks.values()
            )
        ]


class FakeTimerRepository:
    def __init__(self) -> None:
        self.pending: dict[tuple[str, str], datetime] = {}
        self.staged_until: dict[str, datetime] = {}

    async def set_pending(
        self, keys: Iterable[str], wanted: Mapping[tuple[str, str], datetime]
    ) -> None:
        keys = set(keys)
        self.pending = {slot: due for slot, due in self.pending.items() if slot[0] not in keys}
        self.pending.update({slot: ceil_to_millisecond(due) for slot, due in wanted.items()})

    async def mark_staged(self, keys: Iterable[str], *, until: datetime, now: datetime) -> None:
        self.staged_until.update(dict.fromkeys(keys, until))

    def of(self, ticket_id: str) -> dict[str, datetime]:
        return {kind: due for (key, kind), due in self.pending.items() if key == ticket_id}

    def next_due(self) -> DueTimer:
        """The earliest pending timer, as the scheduler would hand it to the handler."""
        (key, kind), due = min(self.pending.items(), key=lambda item: item[1])
        return DueTimer(id=0, key=key, kind=kind, due_at=due, payload={})


class FakeAccountRepository:
    def __init__(self, known: Iterable[AccountView] = ()) -> None:
        self.rows: dict[str, dict[str, Any]] = {
            a.account_id: {
                "account_id": a.account_id,
                "name": a.name,
                "tier": a.tier,
                "vip": a.vip,
                "registered": True,
            }
            for a in known
        }

    async def get(self, account_id: str, *, visible_to: Visibility) -> AccountView | None:
        assert visible_to is None, "the fake sees every account"
        row = self.rows.get(account_id)
        if row is None or not row.get("registered"):
            return None
        return AccountView(row["account_id"], row["name"], row.get("tier"), row.get("vip", False))

    async def upsert(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.rows.setdefault(row["account_id"], {}).update(row)


class FakeInboxRepository:
    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {}

    async def claim_new(self, *, consumer: str, event_ids: Iterable[str]) -> set[str]:
        seen = self.seen.setdefault(consumer, set())
        fresh = set(event_ids) - seen
        seen |= fresh
        return fresh


class FakeCalendarRepository:
    def __init__(self, calendars: Iterable[BusinessCalendar] = ()) -> None:
        self.calendars = {calendar.name: calendar for calendar in calendars}

    async def all(self) -> dict[str, BusinessCalendar]:
        return dict(self.calendars)

    async def lock(self, name: str) -> None:
        return None

    async def save(self, calendar: BusinessCalendar, *, actor: str, now: datetime) -> None:
        self.calendars[calendar.name] = calendar


class FakePolicyRepository:
    def __init__(self, active: SlaPolicy | None = None) -> None:
        self.versions: dict[int, SlaPolicy] = {}
        self.active_version: int | None = None
        if active is not None:
            self.versions[active.version] = active
            self.active_version = active.version

    async def active(self) -> SlaPolicy | None:
        return self.versions.get(self.active_version) if self.active_version else None

    async def get(self, version: int) -> SlaPolicy | None:
        return self.versions.get(version)

    async def next_version(self) -> int:
        return max(self.versions, default=0) + 1

    async def add(self, policy: SlaPolicy, *, actor: str, activate: bool, now: datetime) -> None:
        self.versions[policy.version] = policy
        if activate:
            self.active_version = policy.version

    async def activate(self, version: int) -> bool:
        if version not in self.versions:
            return False
        self.active_version = version
        return True


class FakeStandardAnswerRepository:
    def __init__(self) -> None:
        self.answers: list[tuple[str, str, str]] = []

    async def add(self, *, category: str, title: str, body: str) -> int:
        self.answers.append((category, title, body))
        return len(self.answers)


class FakeAccessLog:
    """The personal-data access log: the entries recorded, in order."""

    def __init__(self) -> None:
        self.entries: list[Access] = []

    async def record(self, entries: Sequence[Access]) -> None:
        self.entries.extend(entries)


class FakeUnitOfWork(ComplaintsUnitOfWork):
    """The repositories above, kept across units of work like a database; `commits` counts
    the commits."""

    def __init__(
        self,
        *,
        accounts: Iterable[AccountView] = (),
        calendars: Iterable[BusinessCalendar] = (),
        policy: SlaPolicy | None = None,
    ) -> None:
        self.published = FakeOutboxRepository()  # type: ignore[assignment]
        self.tickets = FakeTicketRepository(self.published)  # type: ignore[assignment,arg-type]
        self.timers = FakeTimerRepository()  # type: ignore[assignment]
        self.accounts = FakeAccountRepository(accounts)  # type: ignore[assignment]
        self.inbox = FakeInboxRepository()  # type: ignore[assignment]
        self.calendars = FakeCalendarRepository(calendars)  # type: ignore[assignment]
        self.policies = FakePolicyRepository(policy)  # type: ignore[assignment]
        self.standard_answers = FakeStandardAnswerRepository()  # type: ignore[assignment]
        self.access_log = FakeAccessLog()  # type: ignore[assignment]
        self.commits = 0

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1

    async def rollback(self) -> None:
        return None

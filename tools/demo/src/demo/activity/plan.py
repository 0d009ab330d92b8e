"""The demo activity as data: a pure function of what the services hold (a `Snapshot`) and a seed.

Two steps, because the second needs what the first changes in the services:
- `plan_organisation`: the teams (a supervisor with the managers of a region) and one key
  account, the biggest of the first team, nominated VIP by its manager and approved by the
  supervisor (VIP tickets get the policy's tightest clocks);
- `plan_activity`: per manager a monthly target, a few weeks of logged contacts ending with
  planned items done today, a survey answer, a next step moved or cancelled by the customer;
  and complaint tickets, one per state of the queue.

Re-running is safe: a manager whose accounts already have demo visits gets no more, and a ticket
is planned only where its account has no ticket of that category yet. Every random choice comes
from a stream of its own (seed and manager), so one manager's plan never shifts another's.
"""

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from demo.generator import MANAGERS

# Who does what. Supervisors and handlers are staff ids like the managers' (AM-01, ...).
TEAMS: tuple[tuple[str, str, str], ...] = (("east", "SUP-01", "East"), ("south", "SUP-02", "South"))
HANDLER = "CS-01"  # the customer-service agent who takes complaints
QUALITY_HANDLER = "QA-01"
ADMIN = "ADM-01"  # reads the whole book of accounts (a manager sees only their own)
VISIT_PREFIX = "DEMO-"
OPEN_STATES = ("planned", "confirmed", "rescheduled")
# The last weeks the visit log covers, and how many items each manager does today.
HISTORY_DAYS = 20
DONE_PER_MANAGER = 2
TARGET_STEP = Decimal(10_000)
MIN_TARGET = Decimal(50_000)
# Engagement's rule: VIP first, else the grade, else the grade the value class gives.
GRADE_OF_VALUE_CLASS = {"high": "A", "medium": "B", "low": "C"}

NOTES: dict[str, tuple[str, ...]] = {
    "order_placed": (
        "接了下月的补货订单。客户要新价目表。",
        "为所有门店订了春季促销组合。",
        "畅销品补单。希望周末前到货。",
    ),
    "opportunity": (
        "有意在另外两家门店引进家居用品系列。",
        "询问自有品牌纸巾的报价。",
        "下季度开新分店。需要一份进场方案。",
    ),
    "information": (
        "过了一遍节假日期间的送货计划。",
        "介绍了新的护肤系列。留下了样品。",
        "说明了新的付款条件。客户无异议。",
    ),
    "issue_raised": (
        "上批货保质期太短。已转质量部。",
        "周五的送货总是在打烊后才到。",
    ),
    "no_interest": ("本季度对促销没有兴趣。",),
    "not_reached": ("联系不上采购。已给助理留言。",),
}
NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("call", "确认订货数量"),
    ("visit", "带新品系列样品拜访"),
    ("call", "发送报价并跟进"),
    ("visit", "与店长一起检查货架陈列"),
)
# Channel -> (shortest, longest) minutes; calls kept short (the handbook's three minutes).
DURATIONS = {"on_site": (30, 90), "phone": (3, 12), "email": (5, 15), "video": (15, 45)}


@dataclass(frozen=True)
class DemoAccount:
    """What the plan needs of an account, as the accounts API lists it."""

    account_id: str
    name: str
    manager: str | None
    net_revenue: Decimal
    value_class: str
    grade: str | None = None
    vip: bool = False

    @property
    def tier(self) -> str | None:
        """The tier engagement plans by (it agrees once it has caught up with accounts)."""
        if self.vip:
            return "vip"
        grade = self.grade or GRADE_OF_VALUE_CLASS.get(self.value_class)
        return grade if grade in ("A", "B", "C", "D") else None


@dataclass(frozen=True)
class Team:
    name: str
    supervisor: str
    managers: tuple[str, ...]


@dataclass(frozen=True)
class KeyAccount:
    """The account made VIP: nominated by its manager, approved by the team's supervisor."""

    account_id: str
    manager: str
    supervisor: str
    reason: str


@dataclass(frozen=True)
class Organisation:
    teams: tuple[Team, ...]
    key_account: KeyAccount | None


@dataclass(frozen=True)
class OpenItem:
    """An open item of an account's plan (engagement's account plan)."""

    item_id: str
    account_id: str
    kind: str
    due_on: date


@dataclass(frozen=True)
class Snapshot:
    """What the services hold when the activity is planned."""

    today: date  # engagement's calendar day
    accounts: tuple[DemoAccount, ...]
    open_items: tuple[OpenItem, ...] = ()
    # Managers whose accounts already have demo visits: their activity is in place.
    managers_done: frozenset[str] = frozenset()
    # (account id, category) of the tickets complaints holds already.
    tickets: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Target:
    manager: str
    month: date
    amount: Decimal


@dataclass(frozen=True)
class NextStep:
    kind: str
    due_on: date
    note: str


@dataclass(frozen=True)
class Visit:
    """A logged contact. With `item_id` it does that planned item; with `plan_on` a manual
    visit is planned on that day first and done by this contact; with neither it is an
    unplanned contact."""

    visit_id: str
    manager: str
    account_id: str
    occurred_on: date
    channel: str
    duration_minutes: int
    outcome: str
    notes: str
    item_id: str | None = None
    plan_on: date | None = None
    next_step: NextStep | None = None
    csat: int | None = None
    nps: int | None = None

    @property
    def does_planned_item(self) -> bool:
        return self.item_id is not None or self.plan_on is not None


@dataclass(frozen=True)
class Survey:
    manager: str
    account_id: str
    csat: int
    nps: int


@dataclass(frozen=True)
class Reschedule:
    """The customer moves the next step agreed in visit `visit_id`."""

    manager: str
    visit_id: str
    due_on: date
    reason: str


@dataclass(frozen=True)
class Cancellation:
    """The customer cancels the next step agreed in visit `visit_id`."""

    manager: str
    visit_id: str


@dataclass(frozen=True)
class TicketStep:
    """`POST /tickets/{id}/<path>` with `body` (the handler's `actor` is added)."""

    path: str
    body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ticket:
    state: str  # what the queue shows, in words
    account_id: str
    channel: str
    category: str
    severity: int
    contact: str
    description: str
    steps: tuple[TicketStep, ...] = ()


@dataclass(frozen=True)
class Activity:
    targets: tuple[Target, ...]
    visits: tuple[Visit, ...]
    surveys: tuple[Survey, ...]
    reschedules: tuple[Reschedule, ...]
    cancellations: tuple[Cancellation, ...]
    tickets: tuple[Ticket, ...]


def plan_organisation(accounts: Sequence[DemoAccount]) -> Organisation:
    """A team per region with at least two managers who have accounts, and the key account."""
    present = {a.manager for a in accounts if a.manager}
    teams = tuple(
        Team(name, supervisor, members)
        for name, supervisor, region in TEAMS
        if len(members := tuple(m for m in MANAGERS[region] if m in present)) >= 2
    )
    key_account = None
    if teams:
        first = teams[0]
        book = [a for a in accounts if a.manager in first.managers]
        biggest = max(book, key=lambda a: (a.net_revenue, a.account_id))
        key_account = KeyAccount(
            account_id=biggest.account_id,
            manager=str(biggest.manager),
            supervisor=first.supervisor,
            reason="本区域最大客户，长期稳定合作，满意度高",  # noqa: RUF001
        )
    return Organisation(teams, key_account)


def monthly_target(book: Sequence[DemoAccount], rng: random.Random) -> Decimal:
    """A month of the book's trailing-year sales plus 5-20% growth, rounded up to 10,000."""
    revenue = sum((a.net_revenue for a in book), Decimal(0))
    growth = Decimal(100 + rng.randint(5, 20)) / 100
    steps = (revenue / 12 * growth / TARGET_STEP).to_integral_value(ROUND_CEILING)
    return max(steps * TARGET_STEP, MIN_TARGET)


def _duration(rng: random.Random, channel: str) -> int:
    shortest, longest = DURATIONS[channel]
    return rng.randint(shortest, longest)


def _next_step(rng: random.Random, today: date) -> NextStep:
    kind, note = rng.choice(NEXT_STEPS)
    return NextStep(kind, today + timedelta(days=rng.randint(2, 9)), note)


def _scores(rng: random.Random) -> tuple[int, int]:
    csat = rng.choices((2, 3, 4, 5), (1, 2, 5, 4))[0]
    # Recommendation follows satisfaction, with some spread.
    return csat, min(10, max(0, 2 * csat + rng.randint(-2, 1)))


def _done_today(book: list[DemoAccount], snapshot: Snapshot) -> dict[str, OpenItem]:
    """By account, the items of this week (from today on) the manager does today: the
    soonest, at most one per account, since doing one replans the rest of its cadence."""
    today = snapshot.today
    week_end = today + timedelta(days=6 - today.weekday())
    ids = {a.account_id for a in book}
    due = sorted(
        (i for i in snapshot.open_items if i.account_id in ids and today <= i.due_on <= week_end),
        key=lambda i: (i.due_on, i.item_id),
    )
    chosen: dict[str, OpenItem] = {}
    for item in due:
        if len(chosen) < DONE_PER_MANAGER:
            chosen.setdefault(item.account_id, item)
    return chosen


def _manager_activity(
    manager: str, index: int, book: list[DemoAccount], snapshot: Snapshot, seed: int
) -> tuple[list[Visit], Survey, Reschedule | Cancellation]:
    """One manager's contacts of the last weeks, a survey answer, and the customer moving
    (even index) or cancelling (odd index) one agreed next step."""
    rng = random.Random(f"rapport-demo-activity/{seed}/{manager}")
    today = snapshot.today
    chosen = _done_today(book, snapshot)
    unplanned_pool = [a for a in book if a.account_id not in chosen] or book
    contacts: list[tuple[date, DemoAccount]] = sorted(
        (
            (
                snapshot.today - timedelta(days=rng.randint(1, HISTORY_DAYS)),
                rng.choice(unplanned_pool),
            )
            for _ in range(rng.randint(3, 5))
        ),
        key=lambda pair: (pair[0], pair[1].account_id),
    )
    visits: list[Visit] = []

    def visit_id() -> str:
        return f"{VISIT_PREFIX}{manager}-{len(visits) + 1:02d}"

    for occurred_on, account in contacts:
        # Unplanned contacts are calls and mails: an on-site visit would replan the cadence.
        channel = rng.choices(("phone", "email", "video"), (6, 3, 1))[0]
        outcome = rng.choices(tuple(NOTES), (2, 2, 3, 1, 1, 1))[0]
        csat, nps = _scores(rng) if rng.random() < 0.3 else (None, None)
        visits.append(
            Visit(
                visit_id=visit_id(),
                manager=manager,
                account_id=account.account_id,
                occurred_on=occurred_on,
                channel=channel,
                duration_minutes=_duration(rng, channel),
                outcome=outcome,
                notes=rng.choice(NOTES[outcome]),
                next_step=_next_step(rng, today) if rng.random() < 0.3 else None,
                csat=csat,
                nps=nps,
            )
        )

    planned: list[tuple[str, str | None, str]] = [
        (item.account_id, item.item_id, item.kind) for item in chosen.values()
    ]
    if not planned:
        # Nothing due this week: the manager planned a visit for today and made it.
        biggest = max(book, key=lambda a: (a.net_revenue, a.account_id))
        planned.append((biggest.account_id, None, "visit"))
    for number, (account_id, item_id, kind) in enumerate(planned):
        channel = "on_site" if kind == "visit" else "phone"
        outcome = rng.choices(
            ("order_placed", "opportunity", "information", "issue_raised"), (4, 3, 2, 1)
        )[0]
        csat, nps = _scores(rng) if rng.random() < 0.5 else (None, None)
        visits.append(
            Visit(
                visit_id=visit_id(),
                manager=manager,
                account_id=account_id,
                occurred_on=snapshot.today,
                channel=channel,
                duration_minutes=_duration(rng, channel),
                outcome=outcome,
                notes=rng.choice(NOTES[outcome]),
                item_id=item_id,
                plan_on=today if item_id is None else None,
                # The first one always agrees a next step: the customer may move it.
                next_step=_next_step(rng, today) if number == 0 or rng.random() < 0.5 else None,
                csat=csat,
                nps=nps,
            )
        )

    csat, nps = _scores(rng)
    survey = Survey(manager, rng.choice(book).account_id, csat, nps)
    # The latest next step agreed (today's first visit always agrees one).
    moved_visit, moved_step = [(v.visit_id, v.next_step) for v in visits if v.next_step][-1]
    if index % 2 == 1:
        return visits, survey, Cancellation(manager, moved_visit)
    reason = rng.choice(("customer_request", "customer_unavailable"))
    new_day = moved_step.due_on + timedelta(days=rng.randint(2, 5))
    return visits, survey, Reschedule(manager, moved_visit, new_day, reason)


def _ticket_templates(rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """(state, ticket fields) in the order the queue should hold them."""
    return [
        (
            "new, near its SLA breach (VIP: the tightest clocks)",
            {
                "channel": "hotline",
                "category": "delivery",
                "severity": 2,
                "contact": "陈女士 店长 139 0000 0101",
                "description": "本周订单的八托货有两托没有到。周末促销的货架空着。",
            },
        ),
        (
            "new",
            {
                "channel": "email",
                "category": "price",
                "severity": 3,
                "contact": "赵先生 采购部 zhao@example.cn",
                "description": "上月谈定的促销价没有出现在新价目表上。",
            },
        ),
        (
            "in progress (investigating, with quality)",
            {
                "channel": "visit",
                "category": "product_quality",
                "severity": 2,
                "contact": "刘女士 品类采购 138 0000 0202",
                "description": "这批洗手液的按压泵漏液。顾客已退回 40 瓶。",
                "steps": (
                    TicketStep("acknowledge"),
                    TicketStep("investigate", {"department": "quality"}),
                    TicketStep("assign", {"department": "quality", "handler": QUALITY_HANDLER}),
                ),
            },
        ),
        (
            "waiting for the customer (resolve clock paused)",
            {
                "channel": "online",
                "category": "delivery",
                "severity": 2,
                "contact": "孙先生 仓库 137 0000 0303",
                "description": "上批货的纸箱到货时被压坏。部分纸巾无法销售。",
                "steps": (
                    TicketStep("acknowledge"),
                    TicketStep("investigate", {"department": "logistics"}),
                    TicketStep(
                        "clocks/resolve/pause",
                        {"reason": "等待客户提供破损纸箱的照片"},
                    ),
                ),
            },
        ),
        (
            "resolved (the manager follows up)",
            {
                "channel": "email",
                "category": "billing",
                "severity": 3,
                "contact": "黄女士 应付账款 huang@example.cn",
                "description": "发票按目录价而不是合同价开具。",
                "steps": (
                    TicketStep("acknowledge"),
                    TicketStep("investigate", {"department": "finance"}),
                    TicketStep(
                        "propose-solution",
                        {
                            "remedy": "compensation",
                            "solution": "在下一张发票中以红字发票冲抵差价",
                        },
                    ),
                    TicketStep(
                        "resolve",
                        {"root_cause": "发票使用了去年的价目表"},
                    ),
                ),
            },
        ),
        (
            "severe, acknowledged (the regulator's clock runs)",
            {
                "channel": "hotline",
                "category": "product_quality",
                "severity": 1,
                "contact": "吴先生 店长 136 0000 0404",
                "description": f"两位顾客反映使用第 {rng.randint(2400, 2499)} 批新护手霜后皮肤起疹。该产品已下架。",
                "steps": (TicketStep("acknowledge"),),
            },
        ),
    ]


def _tickets(snapshot: Snapshot, organisation: Organisation, seed: int) -> list[Ticket]:
    """The first template on the key account, the others on accounts of the teams' managers
    (every manager's when there are no teams)."""
    rng = random.Random(f"rapport-demo-activity/{seed}/complaints")
    team_managers = {m for team in organisation.teams for m in team.managers}
    key = organisation.key_account.account_id if organisation.key_account else None
    candidates = sorted(
        a.account_id
        for a in snapshot.accounts
        if a.manager and (a.manager in team_managers or not team_managers) and a.account_id != key
    )
    templates = _ticket_templates(rng)
    first, others = templates[0], templates[1:]
    accounts = rng.sample(candidates, min(len(others), len(candidates)))
    placed = list(zip(accounts, others, strict=False))
    if key is not None:
        # Filed last, so its short clock runs out as late as possible after the demo step.
        placed.append((key, first))
    tickets = []
    for account_id, (state, fields) in placed:
        if (account_id, fields["category"]) not in snapshot.tickets:
            tickets.append(Ticket(state=state, account_id=account_id, **fields))
    return tickets


def plan_activity(snapshot: Snapshot, organisation: Organisation, seed: int) -> Activity:
    """Everything to do, in the order to do it."""
    books: dict[str, list[DemoAccount]] = {}
    for account in sorted(snapshot.accounts, key=lambda a: a.account_id):
        if account.manager:
            books.setdefault(account.manager, []).append(account)
    month = snapshot.today.replace(day=1)
    targets = tuple(
        Target(
            manager,
            month,
            monthly_target(book, random.Random(f"rapport-demo-target/{seed}/{manager}")),
        )
        for manager, book in sorted(books.items())
    )
    visits: list[Visit] = []
    surveys: list[Survey] = []
    reschedules: list[Reschedule] = []
    cancellations: list[Cancellation] = []
    for index, (manager, book) in enumerate(sorted(books.items())):
        if manager in snapshot.managers_done:
            continue
        manager_visits, survey, change = _manager_activity(manager, index, book, snapshot, seed)
        visits += manager_visits
        surveys.append(survey)
        if isinstance(change, Reschedule):
            reschedules.append(change)
        else:
            cancellations.append(change)
    return Activity(
        targets=targets,
        visits=tuple(visits),
        surveys=tuple(surveys),
        reschedules=tuple(reschedules),
        cancellations=tuple(cancellations),
        tickets=tuple(_tickets(snapshot, organisation, seed)),
    )

"""Reading the services into a `Snapshot`, waiting until they agree, and applying the plan.

Everything goes through the services' public JSON APIs: accounts for the book and VIP status,
engagement for plans, teams, targets, visits and feedback, complaints for tickets.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from demo.activity.client import Service, ServiceError
from demo.activity.plan import (
    OPEN_STATES,
    VISIT_PREFIX,
    Activity,
    DemoAccount,
    OpenItem,
    Organisation,
    Snapshot,
    Ticket,
    plan_activity,
    plan_organisation,
)

T = TypeVar("T")
ACCOUNTS = "/api/v1/accounts"
ENGAGEMENT = "/api/v1/engagement"
COMPLAINTS = "/api/v1/complaints"
PAGE_SIZE = 500
POLL_SECONDS = 1.0
# A front door or a service still starting answers these; waiting goes on.
NOT_YET = (502, 503, 504)


class WaitTimeout(Exception):
    """The services did not reach the awaited state in time."""


@dataclass(frozen=True)
class Services:
    accounts: Service
    engagement: Service
    complaints: Service


@dataclass(frozen=True)
class Settled:
    accounts: list[DemoAccount]
    plans: dict[str, dict[str, Any]]  # account id -> engagement's account plan


def wait_for(what: str, probe: Callable[[], T | None], *, timeout: float) -> T:
    """Poll `probe` until it returns something; a service not answering yet is waited for,
    any other error answer ends the wait at once."""
    deadline = time.monotonic() + timeout
    last = "nothing yet"
    while True:
        try:
            found = probe()
        except ServiceError as error:
            if error.status is not None and error.status not in NOT_YET:
                raise
            found, last = None, str(error)
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"{what}: not reached after {timeout:.0f} s ({last})")
        time.sleep(POLL_SECONDS)


def read_accounts(accounts: Service, only: str | None) -> list[DemoAccount]:
    """Every account (or those whose id starts with `only`), by id."""
    found: list[DemoAccount] = []
    page = 1
    while True:
        params: dict[str, str | int] = {"page_size": PAGE_SIZE, "page": page, "sort": "account_id"}
        if only:
            params["q"] = only
        answer = accounts.get(ACCOUNTS, params=params)
        for row in answer["items"]:
            if only is None or row["account_id"].startswith(only):
                found.append(
                    DemoAccount(
                        account_id=row["account_id"],
                        name=row["name"],
                        manager=row["account_manager"],
                        net_revenue=Decimal(str(row["net_revenue_12m"])),
                        value_class=row["value_class"],
                        grade=row["grade"],
                        vip=row["vip"],
                    )
                )
        if page * PAGE_SIZE >= answer["total"]:
            return found
        page += 1


def agreeing_plans(
    engagement: Service, accounts: list[DemoAccount]
) -> dict[str, dict[str, Any]] | None:
    """Engagement's plan of every managed account, or None while engagement has not caught up
    with accounts (an account unknown, or another manager or tier than accounts says)."""
    plans = {}
    for account in accounts:
        if account.manager is None:
            continue
        status, plan = engagement.request(
            "GET", f"{ENGAGEMENT}/accounts/{account.account_id}/plan", allow=(404,)
        )
        if status == 404 or plan["manager"] != account.manager or plan["tier"] != account.tier:
            return None
        plans[account.account_id] = plan
    return plans


def wait_until_settled(
    services: Services, *, expected: int, only: str | None, timeout: float
) -> Settled:
    """Wait until at least `expected` accounts read the same twice in a row (the ERP data has
    been taken in) and engagement has planned every one of them by its current tier."""
    previous: list[DemoAccount] | None = None

    def probe() -> Settled | None:
        nonlocal previous
        accounts = read_accounts(services.accounts, only)
        stable = accounts == previous and len(accounts) >= max(expected, 1)
        previous = accounts
        if not stable:
            return None
        status = services.engagement.get(f"{ENGAGEMENT}/policies/status")
        if status["accounts_behind"]:
            return None
        plans = agreeing_plans(services.engagement, accounts)
        return Settled(accounts, plans) if plans is not None else None

    return wait_for(
        f"{expected} accounts, classified and planned by engagement", probe, timeout=timeout
    )


def apply_organisation(
    services: Services, organisation: Organisation, settled: Settled, *, timeout: float
) -> None:
    """The teams, and the key account made VIP (its nomination approved if one is pending)."""
    for team in organisation.teams:
        services.engagement.put(
            f"{ENGAGEMENT}/teams/{team.name}",
            {"supervisor": team.supervisor, "managers": list(team.managers)},
        )
    key = organisation.key_account
    if key is None:
        return
    if not next(a for a in settled.accounts if a.account_id == key.account_id).vip:
        pending = services.accounts.get(
            f"{ACCOUNTS}/vip-nominations",
            params={"status": "pending", "account_id": key.account_id},
        )
        if pending:
            nomination_id = pending[0]["id"]
        else:
            nomination_id = services.accounts.post(
                f"{ACCOUNTS}/{key.account_id}/vip-nominations",
                {"reason": key.reason},
                as_user=key.manager,
            )["id"]
        services.accounts.post(
            f"{ACCOUNTS}/vip-nominations/{nomination_id}/approve",
            {"note": "Approved: priority supply and weekly visits"},
            as_user=key.supervisor,
        )

    def vip_known() -> bool | None:
        status, account = services.complaints.request(
            "GET", f"{COMPLAINTS}/accounts/{key.account_id}", allow=(404,)
        )
        return True if status == 200 and account["vip"] else None

    wait_for(f"complaints to know {key.account_id} as VIP", vip_known, timeout=timeout)


def read_tickets(complaints: Service) -> frozenset[tuple[str, str]]:
    """(account id, category) of every ticket, closed ones included."""
    found: set[tuple[str, str]] = set()
    page = 1
    while True:
        answer = complaints.get(
            f"{COMPLAINTS}/tickets",
            params={"include_closed": "true", "page_size": PAGE_SIZE, "page": page},
        )
        found |= {(row["account_id"], row["category"]) for row in answer["items"]}
        if page * PAGE_SIZE >= answer["total"]:
            return frozenset(found)
        page += 1


def take_snapshot(services: Services, settled: Settled) -> Snapshot:
    managers = sorted({a.manager for a in settled.accounts if a.manager})
    board = services.engagement.get(f"{ENGAGEMENT}/boards/weekly/{managers[0]}")
    today = date.fromisoformat(board["today"])
    manager_of = {a.account_id: a.manager for a in settled.accounts}
    open_items = []
    managers_done = set()
    for account_id, plan in settled.plans.items():
        open_items += [
            OpenItem(item["item_id"], account_id, item["kind"], date.fromisoformat(item["due_on"]))
            for item in plan["items"]
            if item["state"] in OPEN_STATES
        ]
        if any(str(v.get("visit_id", "")).startswith(VISIT_PREFIX) for v in plan["visits"]):
            managers_done.add(str(manager_of[account_id]))
    return Snapshot(
        today=today,
        accounts=tuple(settled.accounts),
        open_items=tuple(open_items),
        managers_done=frozenset(managers_done),
        tickets=read_tickets(services.complaints),
    )


def apply_engagement(services: Services, activity: Activity, organisation: Organisation) -> None:
    supervisor_of = {m: team.supervisor for team in organisation.teams for m in team.managers}
    engagement = services.engagement
    for target in activity.targets:
        # A manager outside a team sets their own target.
        engagement.put(
            f"{ENGAGEMENT}/targets/{target.manager}/{target.month:%Y-%m}",
            {"amount": str(target.amount), "currency": "CNY"},
            as_user=supervisor_of.get(target.manager, target.manager),
        )
    next_steps: dict[str, str] = {}
    for visit in activity.visits:
        item_id = visit.item_id
        if visit.plan_on is not None:
            item_id = engagement.post(
                f"{ENGAGEMENT}/items",
                {
                    "account_id": visit.account_id,
                    "kind": "visit",
                    "due_on": visit.plan_on.isoformat(),
                    "note": "客户经理自行安排",
                },
                as_user=visit.manager,
            )["item_id"]
        body: dict[str, Any] = {
            "account_id": visit.account_id,
            "item_id": item_id,
            "visit_id": visit.visit_id,
            "occurred_on": visit.occurred_on.isoformat(),
            "channel": visit.channel,
            "duration_minutes": visit.duration_minutes,
            "outcome": visit.outcome,
            "notes": visit.notes,
            "csat": visit.csat,
            "nps": visit.nps,
        }
        if visit.next_step is not None:
            body["next_step"] = {
                "kind": visit.next_step.kind,
                "due_on": visit.next_step.due_on.isoformat(),
                "note": visit.next_step.note,
            }
        logged = engagement.post(f"{ENGAGEMENT}/visits", body, as_user=visit.manager)
        if logged["next_step_item_id"]:
            next_steps[visit.visit_id] = logged["next_step_item_id"]
    for survey in activity.surveys:
        engagement.post(
            f"{ENGAGEMENT}/feedback",
            {
                "account_id": survey.account_id,
                "context": "survey",
                "csat": survey.csat,
                "nps": survey.nps,
            },
            as_user=survey.manager,
        )
    for moved in activity.reschedules:
        engagement.post(
            f"{ENGAGEMENT}/items/{next_steps[moved.visit_id]}/reschedule",
            {
                "due_on": moved.due_on.isoformat(),
                "requested_by": "customer",
                "reason": moved.reason,
            },
            as_user=moved.manager,
        )
    for cancelled in activity.cancellations:
        engagement.post(
            f"{ENGAGEMENT}/items/{next_steps[cancelled.visit_id]}/cancel",
            {"cancelled_by": "customer", "reason": "customer_cancelled"},
            as_user=cancelled.manager,
        )


def file_ticket(complaints: Service, ticket: Ticket, *, timeout: float) -> str:
    """File the ticket once complaints knows its account, and take its steps."""

    def known() -> bool | None:
        status, _ = complaints.request(
            "GET", f"{COMPLAINTS}/accounts/{ticket.account_id}", allow=(404,)
        )
        return True if status == 200 else None

    wait_for(f"complaints to know account {ticket.account_id}", known, timeout=timeout)
    filed = complaints.post(
        f"{COMPLAINTS}/tickets",
        {
            "account_id": ticket.account_id,
            "contact": ticket.contact,
            "channel": ticket.channel,
            "category": ticket.category,
            "severity": ticket.severity,
            "description": ticket.description,
        },
    )
    for step in ticket.steps:
        complaints.post(f"{COMPLAINTS}/tickets/{filed['id']}/{step.path}", step.body)
    return str(filed["id"])


def run(
    services: Services,
    *,
    seed: int,
    expected: int,
    only: str | None,
    timeout: float,
    log: Callable[[str], None] = print,
) -> Activity:
    """Wait for the demo accounts, then add the organisation and the activity; returns what
    was added (empty parts where an earlier run added them already)."""
    log(f"waiting for {expected} accounts, classified and planned by engagement")
    settled = wait_until_settled(services, expected=expected, only=only, timeout=timeout)
    organisation = plan_organisation(settled.accounts)
    apply_organisation(services, organisation, settled, timeout=timeout)
    if organisation.key_account is not None:
        log(f"key account {organisation.key_account.account_id} is VIP; waiting for its new plan")
        settled = wait_until_settled(services, expected=expected, only=only, timeout=timeout)
    activity = plan_activity(take_snapshot(services, settled), organisation, seed)
    apply_engagement(services, activity, organisation)
    tickets = [file_ticket(services.complaints, t, timeout=timeout) for t in activity.tickets]
    done = sum(1 for v in activity.visits if v.does_planned_item)
    log(
        f"engagement: {len(organisation.teams)} teams, {len(activity.targets)} monthly targets,"
        f" {len(activity.visits)} contacts logged ({done} planned items done),"
        f" {len(activity.surveys)} survey answers, {len(activity.reschedules)} reschedules,"
        f" {len(activity.cancellations)} cancellations"
    )
    log(f"complaints: {len(tickets)} tickets filed")
    for ticket_id, ticket in zip(tickets, activity.tickets, strict=True):
        log(f"  {ticket_id} on {ticket.account_id}: {ticket.state}")
    return activity

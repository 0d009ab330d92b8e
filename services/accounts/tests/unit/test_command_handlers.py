"""The handlers of the API's and pages' commands (prospects, referrals, VIP revocation, tier
policies, evaluation reports) on the in-memory unit of work."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.adapters.published import to_contract
from accounts.domain import events
from accounts.domain.cards import CardPolicy
from accounts.domain.lifecycle import LifecyclePolicy
from accounts.domain.tier_policy import TierPolicy
from accounts.domain.vip import Actor
from accounts.service_layer.accounts import register_prospect, set_referral
from accounts.service_layer.commands import (
    ActivatePolicy,
    DraftPolicy,
    GenerateReport,
    RegisterProspect,
    ReviewReport,
    RevokeVip,
    SetReferral,
)
from accounts.service_layer.erp_ingest import ingest_erp_events
from accounts.service_layer.evaluation import EvaluationRules
from accounts.service_layer.policies import activate_policy, draft_policy, preview_policy
from accounts.service_layer.reports import generate_report, review_report
from accounts.service_layer.vip import revoke_vip
from chassis.clock import FixedClock
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound, RapportError
from chassis.kafka import ReceivedEvent
from contracts import accounts_v1
from contracts.envelope import CloudEvent
from contracts.erp_v1 import OrderPlaced
from services.accounts.tests.unit.fakes import FakeUnitOfWork, account_row

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RULES = EvaluationRules(
    currency="EUR",
    default_policy=TierPolicy(version=1),
    lifecycle=LifecyclePolicy(),
    cards=CardPolicy(),
    recent_orders=10,
    abc_refresh_delay=timedelta(minutes=5),
    chunk_size=500,
)
MANAGER = Actor("AM-01", "manager")
SUPERVISOR = Actor("SUP-01", "supervisor")
ADMIN = Actor("ADM-01", "admin")
# Low enough that the accounts below (1,200 EUR in twelve months) become high value.
CHEAP = TierPolicy(value_high=Decimal("1000"), value_medium=Decimal("500"))


def uow_with(*accounts: dict[str, object]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    for row in accounts:
        uow.store.accounts[str(row["account_id"])] = dict(row)
    return uow


async def with_orders(uow: FakeUnitOfWork, *orders: tuple[str, str, int]) -> None:
    """ERP orders of C-1 (id, total, days before NOW), ingested and evaluated."""
    placed = [
        OrderPlaced(
            order_id=order_id,
            customer_id="C-1",
            placed_at=NOW - days_ago * DAY,
            currency="EUR",
            total=total,
        )
        for order_id, total, days_ago in orders
    ]
    await ingest_erp_events(
        uow=uow,  # type: ignore[arg-type]
        consumer="accounts.erp",
        events=[
            ReceivedEvent(
                envelope=CloudEvent.wrap(p, source="erp"),
                data=p,
                topic="erp",
                partition=0,
                offset=n,
            )
            for n, p in enumerate(placed)
        ],
        rules=RULES,
        clock=FixedClock(NOW),
    )


def acme() -> dict[str, object]:
    return account_row("C-1", name="Acme", account_manager="AM-01", registered_at=NOW - 800 * DAY)


# --- prospects and referrals ---------------------------------------------------------------------


async def test_a_referred_prospect_is_a_priority_lead_and_the_referrer_is_thanked() -> None:
    uow = uow_with(acme())

    account_id = await register_prospect(
        uow=uow,  # type: ignore[arg-type]
        command=RegisterProspect("P-1", " Beta ", MANAGER, region="North", referred_by="C-1"),
        now=NOW,
        rules=RULES,
    )

    assert account_id == "P-1"
    row = uow.store.accounts["P-1"]
    assert (row["name"], row["origin"], row["account_manager"]) == ("Beta", "manager", "AM-01")
    assert (row["referred_by"], row["priority_lead"], row["registered_at"]) == ("C-1", True, NOW)
    registered, referral = (
        e for e in uow.events if isinstance(e, events.AccountRegistered | events.ReferralRecorded)
    )
    contract = to_contract(registered)
    assert isinstance(contract, accounts_v1.AccountRegistered)
    assert (contract.account_id, contract.name, contract.priority_lead) == ("P-1", "Beta", True)
    assert referral == events.ReferralRecorded(
        account_id="C-1", referred_account_id="P-1", by="AM-01", at=NOW
    )
    assert uow.commits == 1


async def test_a_prospect_without_an_id_gets_one() -> None:
    uow = FakeUnitOfWork()

    account_id = await register_prospect(
        uow=uow,  # type: ignore[arg-type]
        command=RegisterProspect("", "Gamma", MANAGER, account_manager="AM-07"),
        now=NOW,
        rules=RULES,
    )

    assert account_id.startswith("P-")
    row = uow.store.accounts[account_id]
    assert (row["account_manager"], row["created_by"], row["priority_lead"]) == (
        "AM-07",
        "AM-01",
        False,
    )


@pytest.mark.parametrize(
    ("command", "refusal"),
    [
        (RegisterProspect("vip", "Reserved", MANAGER), InvalidInput),
        (RegisterProspect("P-2", "  ", MANAGER), InvalidInput),
        (RegisterProspect("C-1", "Taken", MANAGER), Conflict),
        (RegisterProspect("P-2", "Self", MANAGER, referred_by="P-2"), InvalidInput),
        (RegisterProspect("P-2", "Orphan", MANAGER, referred_by="NO-SUCH"), InvalidInput),
    ],
)
async def test_a_refused_prospect_is_neither_stored_nor_published(
    command: RegisterProspect, refusal: type[Exception]
) -> None:
    uow = uow_with(acme())

    with pytest.raises(refusal):
        await register_prospect(
            uow=uow,  # type: ignore[arg-type]
            command=command,
            now=NOW,
            rules=RULES,
        )

    assert sorted(uow.store.accounts) == ["C-1"]
    assert uow.events == []


async def test_a_referral_is_recorded_changed_and_cleared() -> None:
    uow = uow_with(acme(), account_row("P-1", registered_at=NOW - DAY, origin="manager"))

    async def refer(referred_by: str | None) -> None:
        await set_referral(
            uow=uow,  # type: ignore[arg-type]
            command=SetReferral("P-1", referred_by, MANAGER),
            now=NOW,
            rules=RULES,
        )

    await refer("C-1")
    updated = next(e for e in uow.events if isinstance(e, events.AccountUpdated))
    assert (updated.changed_fields, updated.referred_by, updated.priority_lead, updated.by) == (
        ["referred_by", "priority_lead"],
        "C-1",
        True,
        "AM-01",
    )
    assert any(isinstance(e, events.ReferralRecorded) for e in uow.events)
    assert uow.store.accounts["P-1"]["priority_lead"] is True

    uow.events.clear()
    await refer("C-1")
    assert uow.events == []

    await refer(None)
    cleared = next(e for e in uow.events if isinstance(e, events.AccountUpdated))
    assert (cleared.referred_by, cleared.priority_lead) == (None, False)
    assert not any(isinstance(e, events.ReferralRecorded) for e in uow.events)
    row = uow.store.accounts["P-1"]
    assert (row["referred_by"], row["priority_lead"]) == (None, False)


async def test_a_referral_that_closes_a_loop_is_refused() -> None:
    uow = uow_with(
        acme(),
        account_row("P-1", referred_by="C-1"),
        account_row("P-2", referred_by="P-1"),
    )

    with pytest.raises(Conflict) as refused:
        await set_referral(
            uow=uow,  # type: ignore[arg-type]
            command=SetReferral("C-1", "P-2", MANAGER),
            now=NOW,
            rules=RULES,
        )

    assert refused.value.code == "referral_loop"
    assert uow.store.accounts["C-1"]["referred_by"] is None
    assert uow.events == []


async def test_a_referral_of_an_unknown_account_is_not_found() -> None:
    with pytest.raises(NotFound):
        await set_referral(
            uow=FakeUnitOfWork(),  # type: ignore[arg-type]
            command=SetReferral("NO-SUCH", None, MANAGER),
            now=NOW,
            rules=RULES,
        )


# --- VIP revocation ------------------------------------------------------------------------------


async def test_a_supervisor_revokes_vip_status_and_the_approval_records_it() -> None:
    uow = uow_with({**acme(), "vip": True, "vip_since": NOW - 90 * DAY})
    uow.store.nominations[1] = {
        "id": 1,
        "account_id": "C-1",
        "status": "approved",
        "decided_at": NOW - 90 * DAY,
    }

    with pytest.raises(Forbidden):
        await revoke_vip(
            uow=uow,  # type: ignore[arg-type]
            command=RevokeVip("C-1", "no longer a top customer", MANAGER),
            now=NOW,
            rules=RULES,
        )
    assert uow.store.accounts["C-1"]["vip"] is True

    await revoke_vip(
        uow=uow,  # type: ignore[arg-type]
        command=RevokeVip("C-1", " no longer a top customer ", SUPERVISOR),
        now=NOW,
        rules=RULES,
    )

    row = uow.store.accounts["C-1"]
    assert (row["vip"], row["vip_since"]) == (False, None)
    nomination = uow.store.nominations[1]
    assert (nomination["revoked_by"], nomination["revoke_reason"]) == (
        "SUP-01",
        "no longer a top customer",
    )
    revoked = next(e for e in uow.events if isinstance(e, events.VipRevoked))
    assert revoked == events.VipRevoked(
        account_id="C-1", by="SUP-01", reason="no longer a top customer", at=NOW
    )
    assert isinstance(to_contract(revoked), accounts_v1.AccountVipRevoked)

    with pytest.raises(Conflict):
        await revoke_vip(
            uow=uow,  # type: ignore[arg-type]
            command=RevokeVip("C-1", "again", SUPERVISOR),
            now=NOW,
            rules=RULES,
        )


# --- tier policies -------------------------------------------------------------------------------


async def draft(uow: FakeUnitOfWork, policy: TierPolicy) -> int:
    return await draft_policy(
        uow=uow,  # type: ignore[arg-type]
        command=DraftPolicy(policy, MANAGER, " cheaper high value "),
        now=NOW,
        rules=RULES,
    )


async def test_a_draft_becomes_the_next_version_after_the_settings_policy() -> None:
    uow = FakeUnitOfWork()

    version = await draft(uow, CHEAP)

    assert version == 2
    assert uow.store.policies[1]["status"] == "active"
    stored = uow.store.policies[2]
    assert (stored["status"], stored["note"], stored["created_by"]) == (
        "draft",
        "cheaper high value",
        "AM-01",
    )


async def test_an_unusable_draft_is_refused_naming_its_fields() -> None:
    uow = FakeUnitOfWork()

    with pytest.raises(InvalidInput) as refused:
        await draft(uow, TierPolicy(value_high=Decimal("100"), value_medium=Decimal("500")))

    assert [problem.field for problem in refused.value.details] == ["value_high"]
    assert uow.store.policies == {}


async def test_a_preview_shows_what_activation_would_change_and_writes_nothing() -> None:
    uow = uow_with(acme())
    await with_orders(uow, ("O-1", "500.00", 20), ("O-2", "700.00", 5))
    version = await draft(uow, CHEAP)
    uow.events.clear()

    preview = await preview_policy(
        uow=uow,  # type: ignore[arg-type]
        version=version,
        now=NOW,
        rules=RULES,
    )

    [change] = preview["changes"]
    assert (change["account_id"], change["name"]) == ("C-1", "Acme")
    assert (change["before"]["value_class"], change["after"]["value_class"]) == ("low", "high")
    assert preview["distribution_after"]["value_class"] == {"high": 1}
    assert uow.store.accounts["C-1"]["value_class"] == "low"
    assert uow.store.policies[version]["status"] == "draft"
    assert uow.events == []


async def test_the_admin_activates_a_draft_and_every_account_is_re_evaluated() -> None:
    uow = uow_with(acme())
    await with_orders(uow, ("O-1", "500.00", 20), ("O-2", "700.00", 5))
    version = await draft(uow, CHEAP)
    uow.events.clear()

    for someone_else in (MANAGER, SUPERVISOR):
        with pytest.raises(Forbidden):
            await activate_policy(
                uow=uow,  # type: ignore[arg-type]
                command=ActivatePolicy(version, someone_else),
                now=NOW,
                rules=RULES,
            )
    assert uow.store.policies[version]["status"] == "draft"

    changed = await activate_policy(
        uow=uow,  # type: ignore[arg-type]
        command=ActivatePolicy(version, ADMIN),
        now=NOW,
        rules=RULES,
    )

    assert changed == ["C-1"]
    assert [uow.store.policies[v]["status"] for v in (1, 2)] == ["retired", "active"]
    assert uow.store.policies[version]["activated_by"] == "ADM-01"
    row = uow.store.accounts["C-1"]
    assert (row["value_class"], row["policy_version"]) == ("high", version)
    [tier_changed] = [e for e in uow.events if isinstance(e, events.TierChanged)]
    assert tier_changed.policy.version == version

    with pytest.raises(Conflict) as again:
        await activate_policy(
            uow=uow,  # type: ignore[arg-type]
            command=ActivatePolicy(version, ADMIN),
            now=NOW,
            rules=RULES,
        )
    assert again.value.code == "policy_not_draft"


# --- evaluation reports --------------------------------------------------------------------------


async def generate(uow: FakeUnitOfWork, period: str) -> int:
    return await generate_report(
        uow=uow,  # type: ignore[arg-type]
        command=GenerateReport(period, MANAGER),
        now=NOW,
        rules=RULES,
    )


async def test_a_report_evaluates_every_account_as_of_the_period_end() -> None:
    uow = uow_with(acme(), account_row("P-9", registered_at=NOW - DAY, origin="manager"))
    # One order in 2025, one in November 2026 (after the period).
    await with_orders(uow, ("O-1", "500.00", 400), ("O-2", "700.00", 5))

    report_id = await generate(uow, "2025")

    report = uow.store.reports[report_id]
    assert (report["period"], report["kind"], report["account_count"]) == ("2025", "year", 1)
    assert (report["period_end"], report["policy_version"], report["created_by"]) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        1,
        "AM-01",
    )
    # P-9 was registered after the period: it has no line.
    [line] = uow.store.report_lines[report_id]
    assert (line["account_id"], line["name"], line["account_manager"]) == ("C-1", "Acme", "AM-01")
    assert (line["order_count_period"], line["net_revenue_period"]) == (1, Decimal("500.00"))
    assert (line["order_count_12m"], line["net_revenue_12m"]) == (1, Decimal("500.00"))


@pytest.mark.parametrize(
    ("period", "code"),
    [("2025", "report_exists"), ("2027-Q1", "period_not_ended"), ("2025-Q5", "invalid_input")],
)
async def test_a_report_is_refused_when_taken_not_ended_or_not_a_period(
    period: str, code: str
) -> None:
    uow = uow_with(acme())
    await generate(uow, "2025")

    with pytest.raises(RapportError) as refused:
        await generate(uow, period)

    assert refused.value.code == code
    assert len(uow.store.reports) == 1


async def test_only_a_supervisor_reviews_a_report_and_only_once() -> None:
    uow = uow_with(acme())
    report_id = await generate(uow, "2025-H2")

    async def review(actor: Actor, report: int = report_id) -> None:
        await review_report(
            uow=uow,  # type: ignore[arg-type]
            command=ReviewReport(report, actor, " checked "),
            now=NOW,
        )

    with pytest.raises(Forbidden):
        await review(MANAGER)
    await review(SUPERVISOR)
    report = uow.store.reports[report_id]
    assert (report["reviewed_by"], report["reviewed_at"], report["review_note"]) == (
        "SUP-01",
        NOW,
        "checked",
    )
    with pytest.raises(Conflict):
        await review(SUPERVISOR)
    with pytest.raises(NotFound):
        await review(SUPERVISOR, report=99)

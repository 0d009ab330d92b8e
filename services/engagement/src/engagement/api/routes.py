"""The engagement JSON API under /api/v1/engagement."""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from chassis.audit import AuditPage, AuditQuery, audit_page
from chassis.auth import Managers
from chassis.errors import NotFound
from chassis.http import IntId, refusals
from engagement.api.dependencies import (
    Administrator,
    Caller,
    EngagementApp,
    Purpose,
    Reader,
    ReadUow,
    TeamReader,
    Today,
    Worker,
)
from engagement.api.schemas import (
    BOARD_MONTH_PATTERN,
    AccountPlanOut,
    BoardDay,
    CalendarIn,
    CancelIn,
    CompletionOut,
    FeedbackIn,
    FeedbackOut,
    ItemDetailOut,
    ItemOut,
    MonthlyBoardOut,
    PlanItemIn,
    PolicyIn,
    PolicyOut,
    PolicyStatusOut,
    ProgressOut,
    Request,
    RescheduleIn,
    SkippedOut,
    TargetIn,
    TargetOut,
    TargetProgressOut,
    TeamBoardOut,
    TeamIn,
    TeamRowOut,
    VisitIn,
    VisitOut,
    WeeklyBoardOut,
    WeekOut,
)
from engagement.domain.calendar import Holiday
from engagement.domain.targets import Progress
from engagement.domain.visits import NextStep
from engagement.service_layer import actions
from engagement.service_layer import commands as c
from engagement.service_layer.audit import VISIT_LOG, reads, record_reads
from engagement.service_layer.views import (
    Completion,
    TargetProgress,
    account_plan,
    monthly_board,
    team_board,
    weekly_board,
    with_tier,
)

# Every operation needs a signed-in user (401) with its role (403); outside one's scope a
# record is not found (404, decision 0016).
router = APIRouter(prefix="/api/v1/engagement", tags=["engagement"], responses=refusals(401, 403))

StaffPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._@-]+$")]
ItemPath = Annotated[str, Path(min_length=1, max_length=64)]
MonthPath = Annotated[
    str, Path(pattern=BOARD_MONTH_PATTERN, description="YYYY-MM, a year from 2000 to 2100")
]
OnDay = Annotated[
    BoardDay | None, Query(description="the day the board is for (2000 to 2100); default today")
]
# No such record, or one outside the caller's scope (404).
READ_REFUSALS = refusals(404)
# A change: no such record (404), a state that does not allow it (409), input the domain
# refuses (422: a day in the past, a visit not yet happened, a policy that does not hold).
WRITE_REFUSALS = refusals(404, 409, 422)


def month_start(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


CENT = Decimal("0.01")


def progress_out(figure: Progress) -> ProgressOut:
    return ProgressOut(
        target=figure.target.quantize(CENT), actual=figure.actual.quantize(CENT), share=figure.share
    )


def target_out(target: TargetProgress | None) -> TargetProgressOut | None:
    if target is None:
        return None
    return TargetProgressOut(
        currency=target.currency,
        day=progress_out(target.day),
        week=progress_out(target.week),
        month_to_date=progress_out(target.month_to_date),
        month=progress_out(target.month),
    )


def completion_out(completion: Completion) -> CompletionOut:
    return CompletionOut(planned=completion.planned, done=completion.done, share=completion.share)


def items_out(rows: list[dict[str, Any]]) -> list[ItemOut]:
    return [ItemOut.model_validate(row) for row in rows]


async def item_out(app: EngagementApp, item_id: str, managers: Managers) -> ItemDetailOut:
    async with app.uow() as uow:
        row = await uow.queries.item(item_id, managers=managers)
    if row is None:
        raise NotFound(f"no plan item {item_id!r}")
    return ItemDetailOut.model_validate(with_tier(row))


@router.get(
    "/boards/weekly/{manager}",
    response_model=WeeklyBoardOut,
    responses=READ_REFUSALS,
    summary="A manager's week",
)
async def get_weekly_board(
    app: EngagementApp,
    uow: ReadUow,
    who: Reader,
    manager: StaffPath,
    today: Today,
    on: OnDay = None,
) -> WeeklyBoardOut:
    board = await weekly_board(
        uow, manager=who.require_sees(manager), today=on or today, weights=app.weights
    )
    return WeeklyBoardOut(
        manager=board.manager,
        today=board.today,
        week_start=board.week_start,
        overdue=items_out(board.sections["overdue"]),
        today_items=items_out(board.sections["today"]),
        tomorrow=items_out(board.sections["tomorrow"]),
        this_week=items_out(board.sections["this_week"]),
        completion=completion_out(board.completion),
        target=target_out(board.target),
    )


@router.get(
    "/boards/team/{team}",
    response_model=TeamBoardOut,
    responses=READ_REFUSALS,
    summary="A supervisor's team",
)
async def get_team_board(
    app: EngagementApp,
    uow: ReadUow,
    who: TeamReader,
    team: StaffPath,
    today: Today,
    on: OnDay = None,
) -> TeamBoardOut:
    board = await team_board(
        uow, team=team, managers_in_scope=who.managers, today=on or today, weights=app.weights
    )
    if board is None:
        raise NotFound(f"no team {team!r}")
    return TeamBoardOut(
        team=board.team,
        supervisor=board.supervisor,
        today=board.today,
        week_start=board.week_start,
        managers=[
            TeamRowOut(
                manager=row.manager,
                counts=row.counts,
                completion=completion_out(row.completion),
                target=target_out(row.target),
            )
            for row in board.rows
        ],
        completion=completion_out(board.completion),
    )


@router.get(
    "/boards/monthly/{manager}/{month}",
    response_model=MonthlyBoardOut,
    responses=READ_REFUSALS,
    summary="A manager's month",
)
async def get_monthly_board(
    app: EngagementApp,
    uow: ReadUow,
    who: Reader,
    manager: StaffPath,
    month: MonthPath,
    today: Today,
) -> MonthlyBoardOut:
    board = await monthly_board(
        uow,
        manager=who.require_sees(manager),
        month=month_start(month),
        today=today,
        weights=app.weights,
    )
    return MonthlyBoardOut(
        manager=board.manager,
        month=month,
        weeks=[WeekOut(week_start=start, items=items_out(rows)) for start, rows in board.weeks],
        spanning=items_out(board.spanning),
        completion=completion_out(board.completion),
        target=target_out(board.target),
    )


@router.get("/accounts/{account_id}/plan", response_model=AccountPlanOut, responses=READ_REFUSALS)
async def get_account_plan(
    app: EngagementApp,
    uow: ReadUow,
    who: Reader,
    reason: Purpose,
    account_id: ItemPath,
    today: Today,
) -> AccountPlanOut:
    plan = await account_plan(uow, account_id=account_id, managers=who.managers, today=today)
    if plan is None:
        raise NotFound(f"no account {account_id!r}")
    if plan.visits:
        await record_reads(
            app.uow(),
            reads([account_id], VISIT_LOG, actor=who.actor, purpose=reason, at=app.clock.now()),
        )
    account = plan.account
    return AccountPlanOut(
        account_id=account["account_id"],
        name=account["name"],
        manager=account["manager"],
        tier=plan.tier,
        reschedule_count=account["reschedule_count"],
        last_done_on=account["last_done_on"],
        next_contact=ItemOut.model_validate(plan.next_contact) if plan.next_contact else None,
        items=items_out(plan.items),
        visits=plan.visits,
        feedback=plan.feedback,
        skipped=[SkippedOut.model_validate(row) for row in plan.skipped],
    )


@router.get("/items/{item_id}", response_model=ItemDetailOut, responses=READ_REFUSALS)
async def get_item(app: EngagementApp, who: Reader, item_id: ItemPath) -> ItemDetailOut:
    return await item_out(app, item_id, who.managers)


@router.post(
    "/items",
    status_code=201,
    response_model=ItemDetailOut,
    responses=refusals(404, 422),
    summary="Plan an item (404: no such account; 422: a day in the past)",
)
async def plan_item(app: EngagementApp, who: Worker, body: PlanItemIn) -> ItemDetailOut:
    item = await actions.plan_manual_item(
        uow=app.uow(),
        command=c.PlanManualItem(
            account_id=body.account_id,
            kind=body.kind,
            due_on=body.due_on,
            window_end=body.window_end,
            note=body.note,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
        settings=app.plan,
    )
    return await item_out(app, item.item_id, who.managers)


@router.post("/items/{item_id}/confirm", response_model=ItemDetailOut, responses=WRITE_REFUSALS)
async def confirm(
    app: EngagementApp, who: Worker, item_id: ItemPath, body: Request
) -> ItemDetailOut:
    await actions.confirm_item(
        uow=app.uow(), command=c.ConfirmItem(item_id, who.actor, who.managers), clock=app.clock
    )
    return await item_out(app, item_id, who.managers)


@router.post("/items/{item_id}/reschedule", response_model=ItemDetailOut, responses=WRITE_REFUSALS)
async def reschedule(
    app: EngagementApp, who: Worker, item_id: ItemPath, body: RescheduleIn
) -> ItemDetailOut:
    await actions.reschedule_item(
        uow=app.uow(),
        command=c.RescheduleItem(
            item_id=item_id,
            due_on=body.due_on,
            requested_by=body.requested_by,
            reason=body.reason,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
        settings=app.plan,
    )
    return await item_out(app, item_id, who.managers)


@router.post("/items/{item_id}/cancel", response_model=ItemDetailOut, responses=WRITE_REFUSALS)
async def cancel(
    app: EngagementApp, who: Worker, item_id: ItemPath, body: CancelIn
) -> ItemDetailOut:
    await actions.cancel_item(
        uow=app.uow(),
        command=c.CancelItem(
            item_id=item_id,
            cancelled_by=body.cancelled_by,
            reason=body.reason,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
        settings=app.plan,
    )
    return await item_out(app, item_id, who.managers)


def log_visit_command(body: VisitIn, who: Caller) -> c.LogVisit:
    return c.LogVisit(
        account_id=body.account_id,
        item_id=body.item_id,
        visit_id=body.visit_id,
        occurred_on=body.occurred_on,
        channel=body.channel,
        contact_ref=body.contact_ref,
        duration_minutes=body.duration_minutes,
        outcome=body.outcome,
        notes=body.notes,
        next_step=(
            NextStep(body.next_step.kind, body.next_step.due_on, body.next_step.note)
            if body.next_step
            else None
        ),
        csat=body.csat,
        nps=body.nps,
        actor=who.actor,
        managers=who.managers,
    )


@router.post(
    "/visits",
    status_code=201,
    response_model=VisitOut,
    responses=WRITE_REFUSALS,
    summary="Log a visit (409: its visit_id is logged already)",
)
async def log_visit(app: EngagementApp, who: Worker, body: VisitIn) -> VisitOut:
    visit = await actions.log_visit(
        uow=app.uow(), command=log_visit_command(body, who), clock=app.clock, settings=app.plan
    )
    return VisitOut(visit_id=visit.visit_id, next_step_item_id=visit.next_step_item_id)


@router.post("/feedback", status_code=201, response_model=FeedbackOut, responses=refusals(404, 422))
async def record_feedback(app: EngagementApp, who: Worker, body: FeedbackIn) -> FeedbackOut:
    answer = await actions.record_feedback(
        uow=app.uow(),
        command=c.RecordFeedback(
            account_id=body.account_id,
            context=body.context,
            csat=body.csat,
            nps=body.nps,
            visit_id=body.visit_id,
            ticket_id=body.ticket_id,
            actor=who.actor,
            managers=who.managers,
        ),
        clock=app.clock,
    )
    return FeedbackOut(
        feedback_id=answer.feedback_id,
        account_id=answer.account_id,
        context=answer.context,
        csat=answer.csat,
        nps=answer.nps,
        responded_at=answer.responded_at,
    )


@router.put(
    "/targets/{manager}/{month}",
    response_model=TargetOut,
    responses=READ_REFUSALS,
    summary="Set a target (404: a manager outside one's scope)",
)
async def set_target(
    app: EngagementApp, who: Worker, manager: StaffPath, month: MonthPath, body: TargetIn
) -> TargetOut:
    target = await actions.set_target(
        uow=app.uow(),
        command=c.SetTarget(
            manager=who.require_sees(manager),
            month=month_start(month),
            amount=body.amount,
            currency=body.currency,
            actor=who.actor,
        ),
        clock=app.clock,
    )
    return TargetOut(
        manager=target.manager, month=month, amount=target.amount, currency=target.currency
    )


@router.get("/policies", response_model=list[PolicyOut], summary="Cadence policy versions")
async def list_policies(uow: ReadUow, who: Reader) -> list[PolicyOut]:
    return [PolicyOut.model_validate(row) for row in await uow.policies.all()]


@router.get("/policies/status", response_model=PolicyStatusOut)
async def policy_status(uow: ReadUow, who: Reader) -> PolicyStatusOut:
    """How many accounts' plans are still behind the active policy (0 once all are current)."""
    active = await uow.policies.active()
    return PolicyStatusOut(
        active_version=active.version,
        accounts_behind=await uow.accounts.count_behind_policy(active.version),
    )


@router.post(
    "/policies",
    status_code=201,
    response_model=PolicyOut,
    responses=refusals(422),
    summary="Draft a policy (422: a window not shorter than its tier's interval)",
)
async def draft_policy(app: EngagementApp, who: Administrator, body: PolicyIn) -> PolicyOut:
    version = await actions.draft_policy(
        uow=app.uow(),
        command=c.DraftCadencePolicy(data=body.model_dump(), actor=who.actor),
        clock=app.clock,
    )
    return await _policy_out(app, version)


@router.post(
    "/policies/{version}/activate",
    response_model=PolicyOut,
    responses=refusals(404, 409),
    summary="Switch to a draft (409: the version is not a draft)",
)
async def activate_policy(
    app: EngagementApp, who: Administrator, version: IntId, body: Request
) -> PolicyOut:
    await actions.activate_policy(
        uow=app.uow(),
        command=c.ActivateCadencePolicy(version=version, actor=who.actor),
        clock=app.clock,
    )
    return await _policy_out(app, version)


async def _policy_out(app: EngagementApp, version: int) -> PolicyOut:
    async with app.uow() as uow:
        row = await uow.policies.get(version)
    if row is None:
        raise NotFound(f"no cadence policy version {version}")
    return PolicyOut.model_validate(row)


@router.put("/teams/{team}", status_code=204, summary="Set a team's supervisor and managers")
async def set_team(app: EngagementApp, who: Administrator, team: StaffPath, body: TeamIn) -> None:
    await actions.set_team(
        uow=app.uow(),
        command=c.SetTeam(team=team, supervisor=body.supervisor, managers=tuple(body.managers)),
    )


@router.get("/teams", summary="Every team with a manager in scope: its supervisor and those")
async def list_teams(uow: ReadUow, who: Reader) -> dict[str, dict[str, Any]]:
    return {
        team: {"supervisor": supervisor, "managers": managers}
        for team, (supervisor, managers) in (await uow.teams.all(managers=who.managers)).items()
    }


@router.put(
    "/calendar",
    status_code=204,
    responses=refusals(422),
    summary="Set the holidays and worked weekend days (422: a holiday's day twice, or a day "
    "both a holiday and a working day)",
)
async def set_calendar(app: EngagementApp, who: Administrator, body: CalendarIn) -> None:
    await actions.set_calendar(
        uow=app.uow(),
        command=c.SetCalendar(
            holidays=tuple(Holiday(h.on, h.name) for h in body.holidays),
            working_days=tuple(body.working_days),
        ),
        clock=app.clock,
    )


@router.get("/managers", summary="Every manager in scope with accounts")
async def list_managers(uow: ReadUow, who: Reader) -> list[str]:
    return await uow.queries.managers(managers=who.managers)


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=refusals(422),
    summary="Every read and change of personal data in engagement (visit logs, care touches' "
    "contact names): who, when, what, why; newest first; filter by account, staff id and days "
    "(the admin's)",
)
async def get_audit(
    uow: ReadUow, who: Administrator, query: Annotated[AuditQuery, Query()]
) -> AuditPage:
    return await audit_page(uow.access_log, query)

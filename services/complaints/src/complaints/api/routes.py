"""The complaints JSON API under /api/v1/complaints."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from chassis.audit import AuditPage, AuditQuery, audit_page
from chassis.errors import NotFound
from chassis.http import IntId, refusals
from chassis.i18n import _
from complaints.api.dependencies import (
    Admin,
    ComplaintsApp,
    OnDuty,
    Purpose,
    ReadUow,
    TicketReader,
    TicketWorker,
)
from complaints.api.schemas import (
    AccountOut,
    AssignIn,
    BoardOut,
    CalendarIn,
    CalendarOut,
    CloseIn,
    FileTicketIn,
    FollowUpIn,
    InvestigateIn,
    PolicyIn,
    PolicyOut,
    ProposeSolutionIn,
    QueueQuery,
    ReasonIn,
    RegulatorReportIn,
    ResolveIn,
    ReviewReturnIn,
    StandardAnswerIn,
    StandardAnswerOut,
    TicketOut,
    TicketPage,
    TicketSummaryOut,
)
from complaints.bootstrap import Complaints
from complaints.domain.policy import Category, ClockName
from complaints.domain.scope import Visibility
from complaints.service_layer import commands as c
from complaints.service_layer.audit import HANDLING, record_reads, ticket_read
from complaints.service_layer.handlers import (
    activate_policy,
    add_standard_answer,
    file_complaint,
    publish_policy,
    run_ticket_command,
    update_calendar,
)
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork
from complaints.service_layer.views import ticket_detail

# Every operation needs a signed-in principal (401) holding the role it names (403).
router = APIRouter(prefix="/api/v1/complaints", tags=["complaints"], responses=refusals(401, 403))
# A step on a ticket: no such ticket, a step its state does not allow, input the domain refuses.
TICKET_STEP_REFUSALS = refusals(404, 409, 422)
CalendarName = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


async def ticket_out(
    app: Complaints, ticket_id: str, visible_to: Visibility, *, actor: str, purpose: str
) -> TicketOut:
    """The ticket as `actor` sees it; the read of its contact and texts is logged."""
    async with app.uow() as uow:
        detail = await ticket_detail(
            uow=uow,
            ticket_id=ticket_id,
            visible_to=visible_to,
            settings=app.sla,
            now=app.clock.now(),
        )
    if detail is None:
        raise NotFound(_("no ticket %(ticket)r") % {"ticket": ticket_id})
    read = ticket_read(
        detail["account_id"], ticket_id, actor=actor, purpose=purpose, at=app.clock.now()
    )
    await record_reads(app.uow(), [read])
    return TicketOut.model_validate(detail)


async def run(app: Complaints, command: c.TicketCommand) -> TicketOut:
    await run_ticket_command(uow=app.uow(), command=command, clock=app.clock, settings=app.sla)
    return await ticket_out(
        app, command.ticket_id, command.visible_to, actor=command.actor, purpose=HANDLING
    )


@router.post(
    "/tickets",
    status_code=201,
    response_model=TicketOut,
    responses=refusals(409, 422),
    summary="Open a ticket (409: no policy is active; 422: an account complaints does not know)",
)
async def open_ticket(app: ComplaintsApp, who: TicketWorker, body: FileTicketIn) -> TicketOut:
    ticket = await file_complaint(
        uow=app.uow(),
        command=c.FileComplaint(
            account_id=body.account_id,
            contact=body.contact,
            channel=body.channel,
            category=body.category,
            severity=body.severity,
            description=body.description,
            actor=who.user_id,
            visible_to=who.visible_to,
            order_refs=tuple(body.order_refs),
        ),
        clock=app.clock,
        settings=app.sla,
    )
    return await ticket_out(app, ticket.id, who.visible_to, actor=who.user_id, purpose=HANDLING)


@router.get(
    "/tickets", response_model=TicketPage, summary="The queue: open tickets by time to breach"
)
async def queue(
    app: ComplaintsApp,
    uow: ReadUow,
    who: TicketReader,
    reason: Purpose,
    query: Annotated[QueueQuery, Query()],
) -> TicketPage:
    rows, total = await uow.queries.queue(
        status=query.status,
        severity=query.severity,
        account_id=query.account_id,
        include_closed=query.include_closed,
        limit=query.page_size,
        offset=(query.page - 1) * query.page_size,
        visible_to=who.visible_to,
    )
    # The queue shows each ticket's contact and description: one read per ticket listed.
    now = app.clock.now()
    await record_reads(
        app.uow(),
        [
            ticket_read(row["account_id"], row["id"], actor=who.user_id, purpose=reason, at=now)
            for row in rows
        ],
    )
    return TicketPage(
        items=[TicketSummaryOut.model_validate(row) for row in rows],
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


@router.get(
    "/tickets/{ticket_id}",
    response_model=TicketOut,
    responses=refusals(404),
    summary="A ticket with every clock",
)
async def get_ticket(
    app: ComplaintsApp, who: TicketReader, reason: Purpose, ticket_id: str
) -> TicketOut:
    return await ticket_out(app, ticket_id, who.visible_to, actor=who.user_id, purpose=reason)


@router.post(
    "/tickets/{ticket_id}/acknowledge", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def acknowledge(app: ComplaintsApp, who: TicketWorker, ticket_id: str) -> TicketOut:
    return await run(app, c.Acknowledge(ticket_id, who.user_id, who.visible_to))


@router.post(
    "/tickets/{ticket_id}/investigate",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
    summary="Confirm and record the issue, send it to a department",
)
async def investigate(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: InvestigateIn
) -> TicketOut:
    return await run(
        app, c.Investigate(ticket_id, who.user_id, who.visible_to, department=body.department)
    )


@router.post(
    "/tickets/{ticket_id}/assign", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def assign(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: AssignIn
) -> TicketOut:
    return await run(
        app,
        c.Assign(
            ticket_id, who.user_id, who.visible_to, department=body.department, handler=body.handler
        ),
    )


@router.post(
    "/tickets/{ticket_id}/propose-solution",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
)
async def propose_solution(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: ProposeSolutionIn
) -> TicketOut:
    return await run(
        app,
        c.ProposeSolution(
            ticket_id, who.user_id, who.visible_to, remedy=body.remedy, solution=body.solution
        ),
    )


@router.post(
    "/tickets/{ticket_id}/reject-solution", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def reject_solution(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: ReasonIn
) -> TicketOut:
    return await run(
        app, c.RejectSolution(ticket_id, who.user_id, who.visible_to, reason=body.reason)
    )


@router.post(
    "/tickets/{ticket_id}/resolve", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def resolve(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: ResolveIn
) -> TicketOut:
    return await run(
        app, c.Resolve(ticket_id, who.user_id, who.visible_to, root_cause=body.root_cause)
    )


@router.post(
    "/tickets/{ticket_id}/follow-up", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def follow_up(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: FollowUpIn
) -> TicketOut:
    return await run(app, c.FollowUp(ticket_id, who.user_id, who.visible_to, note=body.note))


@router.post("/tickets/{ticket_id}/close", response_model=TicketOut, responses=TICKET_STEP_REFUSALS)
async def close(app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: CloseIn) -> TicketOut:
    return await run(
        app, c.Close(ticket_id, who.user_id, who.visible_to, satisfaction=body.satisfaction)
    )


@router.post(
    "/tickets/{ticket_id}/reopen", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def reopen(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: ReasonIn
) -> TicketOut:
    return await run(app, c.Reopen(ticket_id, who.user_id, who.visible_to, reason=body.reason))


@router.post(
    "/tickets/{ticket_id}/clocks/{clock}/pause",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
    summary="Pause one clock (waiting on the customer pauses resolve, never respond)",
)
async def pause_clock(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, clock: ClockName, body: ReasonIn
) -> TicketOut:
    return await run(
        app, c.PauseClock(ticket_id, who.user_id, who.visible_to, clock=clock, reason=body.reason)
    )


@router.post(
    "/tickets/{ticket_id}/clocks/{clock}/resume",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
)
async def resume_clock(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, clock: ClockName
) -> TicketOut:
    return await run(app, c.ResumeClock(ticket_id, who.user_id, who.visible_to, clock=clock))


@router.post(
    "/tickets/{ticket_id}/returns/review", response_model=TicketOut, responses=TICKET_STEP_REFUSALS
)
async def review_return(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: ReviewReturnIn
) -> TicketOut:
    return await run(
        app, c.ReviewReturn(ticket_id, who.user_id, who.visible_to, remedy=body.remedy)
    )


@router.post(
    "/tickets/{ticket_id}/regulator-report",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
    summary="Record the report of a product-safety issue to the regulator (stops its clock)",
)
async def report_to_regulator(
    app: ComplaintsApp, who: TicketWorker, ticket_id: str, body: RegulatorReportIn
) -> TicketOut:
    return await run(
        app, c.ReportToRegulator(ticket_id, who.user_id, who.visible_to, reference=body.reference)
    )


@router.post(
    "/tickets/{ticket_id}/returns/goods-received",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
)
async def goods_received(app: ComplaintsApp, who: TicketWorker, ticket_id: str) -> TicketOut:
    return await run(app, c.RecordGoodsReceived(ticket_id, who.user_id, who.visible_to))


@router.post(
    "/tickets/{ticket_id}/returns/replacement-shipped",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
)
async def replacement_shipped(app: ComplaintsApp, who: TicketWorker, ticket_id: str) -> TicketOut:
    return await run(app, c.RecordReplacementShipped(ticket_id, who.user_id, who.visible_to))


@router.post(
    "/tickets/{ticket_id}/returns/refund-paid",
    response_model=TicketOut,
    responses=TICKET_STEP_REFUSALS,
)
async def refund_paid(app: ComplaintsApp, who: TicketWorker, ticket_id: str) -> TicketOut:
    return await run(app, c.RecordRefundPaid(ticket_id, who.user_id, who.visible_to))


@router.get(
    "/accounts/{account_id}",
    response_model=AccountOut,
    responses=refusals(404),
    summary="An account as complaints knows it (name, tier, VIP), or 404 if unknown here",
)
async def get_account(uow: ReadUow, who: TicketReader, account_id: str) -> AccountOut:
    account = await uow.accounts.get(account_id, visible_to=who.visible_to)
    if account is None:
        raise NotFound(_("no account %(account)r is known to complaints") % {"account": account_id})
    return AccountOut(
        account_id=account.account_id, name=account.name, tier=account.tier, vip=account.vip
    )


@router.get("/board", response_model=BoardOut, summary="The ops SLA board")
async def board(app: ComplaintsApp, uow: ReadUow, who: OnDuty) -> BoardOut:
    return BoardOut.model_validate(await uow.queries.board(now=app.clock.now()))


@router.get("/calendars", response_model=list[CalendarOut])
async def list_calendars(uow: ReadUow, who: Admin) -> list[CalendarOut]:
    return [CalendarOut.model_validate(row) for row in await uow.queries.calendars()]


@router.get("/calendars/{name}", response_model=CalendarOut, responses=refusals(404))
async def get_calendar(uow: ReadUow, who: Admin, name: str) -> CalendarOut:
    return await calendar_out(uow, name)


async def calendar_out(uow: ComplaintsUnitOfWork, name: str) -> CalendarOut:
    for row in await uow.queries.calendars():
        if row["name"] == name:
            return CalendarOut.model_validate(row)
    raise NotFound(_("no calendar %(calendar)r") % {"calendar": name})


@router.put(
    "/calendars/{name}",
    response_model=CalendarOut,
    responses=refusals(422),
    summary="Create or edit a calendar; running clocks on it get new deadlines",
)
async def put_calendar(
    app: ComplaintsApp, who: Admin, name: CalendarName, body: CalendarIn
) -> CalendarOut:
    await update_calendar(
        uow=app.uow(),
        command=c.UpdateCalendar(
            name=name,
            time_zone=body.time_zone,
            week={day: periods for day, periods in body.week.items()},
            holidays=[holiday.model_dump() for holiday in body.holidays],
            actor=who.user_id,
        ),
        clock=app.clock,
        settings=app.sla,
    )
    async with app.uow() as uow:
        return await calendar_out(uow, name)


@router.get(
    "/policies", response_model=list[PolicyOut], summary="Every policy version, newest first"
)
async def list_policies(uow: ReadUow, who: Admin) -> list[PolicyOut]:
    return [PolicyOut.model_validate(row) for row in await uow.queries.policies()]


@router.post(
    "/policies",
    status_code=201,
    response_model=PolicyOut,
    responses=refusals(422),
    summary="Publish a new policy version (open tickets keep theirs)",
)
async def post_policy(app: ComplaintsApp, who: Admin, body: PolicyIn) -> PolicyOut:
    policy = await publish_policy(
        uow=app.uow(),
        command=c.PublishPolicy(
            document=body.document(), actor=who.user_id, activate=body.activate
        ),
        clock=app.clock,
    )
    return await policy_out(app, policy.version)


@router.post("/policies/{version}/activate", response_model=PolicyOut, responses=refusals(404, 422))
async def post_activate(app: ComplaintsApp, who: Admin, version: IntId) -> PolicyOut:
    await activate_policy(uow=app.uow(), command=c.ActivatePolicy(version, who.user_id))
    return await policy_out(app, version)


async def policy_out(app: Complaints, version: int) -> PolicyOut:
    async with app.uow() as uow:
        for row in await uow.queries.policies():
            if row["version"] == version:
                return PolicyOut.model_validate(row)
    raise NotFound(_("no policy version %(version)s") % {"version": version})


@router.get("/standard-answers", response_model=list[StandardAnswerOut])
async def list_standard_answers(
    uow: ReadUow, who: TicketReader, category: Category | None = None
) -> list[StandardAnswerOut]:
    return [
        StandardAnswerOut.model_validate(row)
        for row in await uow.queries.standard_answers(category)
    ]


@router.post(
    "/standard-answers",
    status_code=201,
    response_model=StandardAnswerOut,
    responses=refusals(422),
)
async def post_standard_answer(
    app: ComplaintsApp, who: Admin, body: StandardAnswerIn
) -> StandardAnswerOut:
    answer_id = await add_standard_answer(
        uow=app.uow(),
        command=c.AddStandardAnswer(category=body.category, title=body.title, body=body.body),
    )
    return StandardAnswerOut(id=answer_id, category=body.category, title=body.title, body=body.body)


@router.get(
    "/audit",
    response_model=AuditPage,
    responses=refusals(422),
    summary="Every read and change of tickets' personal data (who, when, what, why), newest "
    "first; filter by account, staff id and days (the admin's)",
)
async def get_audit(uow: ReadUow, who: Admin, query: Annotated[AuditQuery, Query()]) -> AuditPage:
    return await audit_page(uow.access_log, query)

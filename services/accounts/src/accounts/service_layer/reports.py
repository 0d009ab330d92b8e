"""Periodic evaluation reports (quarter, half-year, year): every account's scorecard as of the
end of the period, stored for the supervisor's review and for printing."""

from datetime import datetime
from decimal import Decimal

from accounts.domain.changes import scorecard_document
from accounts.domain.classification import window_start
from accounts.domain.evaluation import CurrentState, evaluate_account
from accounts.domain.periods import parse_period
from accounts.service_layer.commands import GenerateReport, ReviewReport
from accounts.service_layer.evaluation import EvaluationRules, active_policy
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from chassis.messages import _


async def generate_report(
    *, uow: AccountsUnitOfWork, command: GenerateReport, now: datetime, rules: EvaluationRules
) -> int:
    """Evaluate every account as of the period's end under the active policy and store it.

    Grades in a report are the scorecard's own (no hysteresis: a report has no previous state).
    """
    try:
        bounds = parse_period(command.period)
    except ValueError as exc:
        raise InvalidInput(str(exc), details=[Problem("period", str(exc))]) from exc
    if bounds.end > now:
        raise Conflict(
            _("%(period)s ends on %(end)s: not yet")
            % {"period": bounds.label, "end": f"{bounds.end:%Y-%m-%d}"},
            code="period_not_ended",
        )
    as_of = bounds.end
    async with uow:
        policy = await active_policy(uow, rules, now)
        if await uow.reports.exists(bounds.label):
            raise Conflict(
                _("the report for %(period)s exists already") % {"period": bounds.label},
                code="report_exists",
            )
        ids = await uow.accounts.all_ids()
        lines = []
        for start in range(0, len(ids), rules.chunk_size):
            chunk = ids[start : start + rules.chunk_size]
            stored = await uow.evaluations.stored_accounts(chunk)
            facts = await uow.evaluations.evaluation_facts(
                stored,
                as_of=as_of,
                window_start=window_start(as_of),
                recent_orders=rules.recent_orders,
                until=as_of,
            )
            in_period = await uow.evaluations.trailing_figures(
                chunk, window_start=bounds.start, until=bounds.end
            )
            people = await uow.queries.names(chunk)
            for account_id in chunk:
                account = stored[account_id]
                if account.registered_at >= as_of:
                    continue
                evaluation = evaluate_account(
                    facts[account_id],
                    CurrentState(None, "prospect", False),
                    as_of=as_of,
                    policy=policy,
                    lifecycle_policy=rules.lifecycle,
                    card_policy=rules.cards,
                    currency=rules.currency,
                )
                count, revenue = in_period.get(account_id, (0, Decimal(0)))
                lines.append(
                    {
                        "account_id": account_id,
                        "name": people[account_id][0],
                        "account_manager": people[account_id][1],
                        "order_count_period": count,
                        "net_revenue_period": revenue,
                        "order_count_12m": evaluation.figures.order_count,
                        "net_revenue_12m": evaluation.figures.net_revenue,
                        "value_class": evaluation.tier.value_class,
                        "frequency_class": evaluation.tier.frequency_class,
                        "score": evaluation.scorecard.score,
                        "grade": evaluation.tier.grade,
                        "recommendation": evaluation.recommendation,
                        "lifecycle_stage": evaluation.lifecycle.stage,
                        "indicators": scorecard_document(evaluation, policy, as_of)["indicators"],
                    }
                )
        report_id = await uow.reports.add(
            {
                "period": bounds.label,
                "kind": bounds.kind,
                "period_start": bounds.start,
                "period_end": bounds.end,
                "policy_version": policy.version,
                "account_count": len(lines),
                "created_by": command.actor.user,
                "created_at": now,
            },
            lines,
        )
        await uow.commit()
    return report_id


async def review_report(*, uow: AccountsUnitOfWork, command: ReviewReport, now: datetime) -> None:
    """The supervisor records having reviewed the report."""
    report_id = command.report_id
    if command.actor.role != "supervisor":
        raise Forbidden(_("only a supervisor reviews evaluation reports"), code="supervisor_only")
    async with uow:
        report = await uow.reports.get(report_id)
        if report is None:
            raise NotFound(
                _("no evaluation report %(id)s") % {"id": report_id}, code="report_not_found"
            )
        if report["reviewed_at"] is not None:
            raise Conflict(
                _("already reviewed by %(who)s") % {"who": report["reviewed_by"]},
                code="report_reviewed",
            )
        await uow.reports.review(
            report_id, by=command.actor.user, at=now, note=command.note.strip()
        )
        await uow.commit()

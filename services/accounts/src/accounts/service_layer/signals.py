"""Signals from other services: satisfaction feedback (engagement) and complaints.

They feed the satisfaction and complaint-rate indicators of the scorecard. Until the
complaints service has sent anything, no account has complaint data (not "no complaints"):
the first complaint starts the feed and every account is evaluated again.
"""

from collections.abc import Sequence

from accounts.domain import timers
from accounts.domain.scorecard import COMPLAINTS_FEED
from accounts.service_layer.evaluation import EvaluationRules, active_policy, evaluate_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.clock import Clock
from chassis.kafka import ReceivedEvent
from contracts.complaints_v1 import TicketFiled
from contracts.engagement_v1 import FeedbackRecorded


async def ingest_signals(
    *,
    uow: AccountsUnitOfWork,
    consumer: str,
    events: Sequence[ReceivedEvent],
    rules: EvaluationRules,
    clock: Clock,
) -> None:
    # Only filed tickets and feedback matter here; the rest of the complaints topic is skipped.
    relevant = [e for e in events if isinstance(e.data, FeedbackRecorded | TicketFiled)]
    if not relevant:
        return
    async with uow:
        fresh = [
            event.data for event in await uow.inbox.new_events(consumer=consumer, events=relevant)
        ]
        if not fresh:
            return
        now = clock.now()
        policy = await active_policy(uow, rules, now)
        answers = [d for d in fresh if isinstance(d, FeedbackRecorded)]
        filed = [d for d in fresh if isinstance(d, TicketFiled)]
        affected = {d.subject() for d in fresh}
        await uow.locks.lock_accounts(affected)
        await uow.signals.record_feedback(answers)
        await uow.signals.record_complaints(filed)
        if filed and await uow.signals.mark_feed_started(
            COMPLAINTS_FEED, min(t.filed_at for t in filed)
        ):
            await uow.timers.ensure_timer(timers.EVALUATE_ALL_KEY, timers.EVALUATE_ALL, now)
        await evaluate_accounts(
            uow=uow, account_ids=affected, as_of=now, rules=rules, policy=policy
        )
        await uow.commit()

"""Domain events -> the published accounts contract."""

from datetime import timedelta

from accounts.domain import events as domain
from contracts import accounts_v1 as v1
from contracts.envelope import EventData


def classification_inputs(event: domain.TierChanged) -> v1.ClassificationInputs:
    figures, policy = event.evaluation.figures, event.policy
    return v1.ClassificationInputs(
        order_count_12m=figures.order_count,
        net_revenue_12m=figures.net_revenue,
        currency=event.currency,
        window_start=figures.window_start,
        window_end=event.at,
        value_high_threshold=policy.value_high,
        value_medium_threshold=policy.value_medium,
        frequency_high_threshold=policy.frequency_high,
        frequency_medium_threshold=policy.frequency_medium,
    )


def _classified(event: domain.TierChanged) -> v1.AccountClassified:
    evaluation, previous = event.evaluation, event.previous
    tier = evaluation.tier
    return v1.AccountClassified(
        account_id=evaluation.account_id,
        value_class=tier.value_class,
        frequency_class=tier.frequency_class,
        previous_value_class=previous.value_class if previous else None,
        previous_frequency_class=previous.frequency_class if previous else None,
        reason=event.reason,
        inputs=classification_inputs(event),
        classified_at=event.at,
        abc_class=tier.abc_class,
        previous_abc_class=previous.abc_class if previous else None,
        grade=tier.grade,
        previous_grade=previous.grade if previous else None,
        score=evaluation.scorecard.score if tier.grade else None,
        recommendation=evaluation.recommendation,
        indicators=[
            v1.IndicatorScore(
                indicator=i.indicator, weight=i.weight, score=i.score, detail=i.detail
            )
            for i in evaluation.scorecard.indicators
        ],
        policy_version=event.policy.version,
    )


def to_contract(event: domain.DomainEvent) -> EventData:
    match event:
        case domain.AccountRegistered(master=master):
            return v1.AccountRegistered(
                account_id=event.account_id,
                name=master.name,
                region=master.region,
                country=master.country,
                segment=master.segment,
                account_manager=master.account_manager,
                registered_at=event.at,
                origin=event.origin,
                referred_by=event.referred_by,
                priority_lead=event.priority_lead,
            )
        case domain.AccountUpdated():
            master = event.master
            return v1.AccountUpdated(
                account_id=event.account_id,
                changed_fields=event.changed_fields,
                name=master.name,
                region=master.region,
                country=master.country,
                segment=master.segment,
                account_manager=master.account_manager,
                referred_by=event.referred_by,
                priority_lead=event.priority_lead,
                updated_by=event.by,
                updated_at=event.at,
            )
        case domain.ReferralRecorded():
            return v1.AccountReferralRecorded(
                account_id=event.account_id,
                referred_account_id=event.referred_account_id,
                recorded_by=event.by,
                recorded_at=event.at,
            )
        case domain.TierChanged():
            return _classified(event)
        case domain.LifecycleStageChanged():
            interval = event.usual_interval
            return v1.AccountLifecycleChanged(
                account_id=event.account_id,
                stage=event.stage,
                previous_stage=event.previous_stage,
                reactivated=event.reactivated,
                reason=event.reason,
                last_order_at=event.last_order_at,
                usual_interval_days=None
                if interval is None
                else round(interval / timedelta(days=1)),
                changed_at=event.at,
            )
        case domain.CardFlaggedStale():
            return v1.AccountCardStale(
                account_id=event.account_id,
                last_reviewed_at=event.last_reviewed_at,
                stale_after_days=event.stale_after_days,
                key_account=event.key_account,
                flagged_at=event.at,
            )
        case domain.CardUpdated():
            return v1.AccountCardUpdated(
                account_id=event.account_id,
                card_version=event.version,
                changed_sections=event.changed_sections,
                contact_count=event.contact_count,
                updated_by=event.by,
                updated_at=event.at,
            )
        case domain.KeyDatesChanged():
            return v1.AccountKeyDatesChanged(
                account_id=event.account_id,
                card_version=event.version,
                key_dates=[
                    v1.KeyDate(reference=d.reference, kind=d.kind, month=d.month, day=d.day)
                    for d in event.key_dates
                ],
                changed_at=event.at,
            )
        case domain.CardReviewed():
            return v1.AccountCardReviewed(
                account_id=event.account_id, reviewed_by=event.by, reviewed_at=event.at
            )
        case domain.VipNominated():
            return v1.AccountVipNominated(
                account_id=event.account_id,
                nomination_id=event.nomination_id,
                nominated_by=event.by,
                reason=event.reason,
                nominated_at=event.at,
            )
        case domain.VipGranted():
            return v1.AccountVipGranted(
                account_id=event.account_id,
                nominated_by=event.nominated_by,
                approved_by=event.by,
                reason=event.reason,
                granted_at=event.at,
                nomination_id=event.nomination_id,
            )
        case domain.VipRejected():
            return v1.AccountVipRejected(
                account_id=event.account_id,
                nomination_id=event.nomination_id,
                nominated_by=event.nominated_by,
                rejected_by=event.by,
                note=event.note,
                rejected_at=event.at,
            )
        case domain.VipRevoked():
            return v1.AccountVipRevoked(
                account_id=event.account_id,
                revoked_by=event.by,
                reason=event.reason,
                revoked_at=event.at,
            )
        case domain.ConsentChanged():
            return v1.AccountContactConsentChanged(
                account_id=event.account_id,
                contact_reference=event.contact_id,
                state=event.state,
                recorded_by=event.by,
                changed_at=event.at,
            )
        case domain.ContactsErased(erasure=erasure):
            return v1.AccountContactsErased(
                account_id=erasure.account_id,
                erasure_id=erasure.erasure_id,
                scope=erasure.scope,
                contact_references=list(erasure.contact_ids),
                reason=erasure.reason,
                requested_by=erasure.requested_by,
                erased_at=erasure.requested_at,
            )

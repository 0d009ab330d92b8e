"""'Why is this account B?': the recorded decision, and the same evaluation done now."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.domain.abc import shares_ranked_above
from accounts.domain.classification import Classification, explain
from accounts.domain.tier_policy import TierPolicy
from accounts.service_layer.evaluation import EvaluationRules, assess_accounts
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.errors import NotFound
from chassis.messages import _


def _band(grade: str, policy: TierPolicy) -> str:
    low, high = policy.grade_bands()[grade]
    if low is None:
        return f"below {high}"
    return f"{low} or more" if high is None else f"{low} up to {high}"


async def explain_account(
    *, uow: AccountsUnitOfWork, account_id: str, now: datetime, rules: EvaluationRules
) -> dict[str, Any]:
    # Every account: the entrypoints checked the caller's scope before asking.
    account = await uow.queries.get(account_id, managers=None)
    if account is None:
        raise NotFound(
            _("no account with id %(id)r") % {"id": account_id}, code="account_not_found"
        )
    policy = await uow.policies.active() or rules.default_policy
    revenues = await uow.evaluations.all_revenues()
    shares = shares_ranked_above({key: revenue for key, (revenue, _) in revenues.items()})
    (assessed,) = await assess_accounts(
        uow, account_ids=[account_id], as_of=now, rules=rules, policy=policy, abc_shares=shares
    )
    evaluation = assessed.evaluation
    card = evaluation.scorecard
    tier = evaluation.tier
    history = await uow.queries.tier_history(account_id)
    scored_weight = sum(i.weight for i in card.indicators if i.score is not None)
    figures = evaluation.figures
    classes = Classification(tier.value_class, tier.frequency_class)  # type: ignore[arg-type]
    why = explain(None, classes, figures, policy.classification, rules.currency).split("; ")
    if tier.grade is None:
        why.append(
            f"no grade yet: a prospect is graded from its first order (scorecard now {card.score})"
        )
    else:
        why.append(
            f"scorecard {card.score} of 100: grade {card.raw_grade} is "
            f"{_band(card.raw_grade, policy)} "
            f"(A {policy.grade_a}+, B {policy.grade_b}+, C {policy.grade_c}+, D below)"
        )
        recorded = account["grade"]
        if recorded and recorded != card.raw_grade:
            if tier.grade == recorded:
                why.append(
                    f"grade {recorded} is kept: the score stays within {policy.grade_margin} "
                    f"points of the {recorded} band ({_band(recorded, policy)}), so it does not flap"
                )
            else:
                why.append(f"the next evaluation moves the grade from {recorded} to {tier.grade}")
        why.append(f"recommendation for grade {tier.grade}: {evaluation.recommendation}")
    share = shares.get(account_id)
    if share is None:
        why.append("ABC C: no revenue in the last 12 months")
    else:
        why.append(
            f"ABC {tier.abc_class}: the accounts ranked above it earn {share:.1%} of all revenue "
            f"(A below {policy.abc_a_share:.0%}, B below {policy.abc_a_share + policy.abc_b_share:.0%})"
        )
    for indicator in card.indicators:
        if indicator.score is None and indicator.weight:
            why.append(
                f"{indicator.indicator.replace('_', ' ')}: {indicator.detail}; its weight "
                f"{indicator.weight} is shared by the indicators that have data"
            )
    return {
        "account_id": account_id,
        "name": account["name"],
        "evaluated_at": now,
        "policy_version": policy.version,
        "recorded": {
            "value_class": account["value_class"],
            "frequency_class": account["frequency_class"],
            "abc_class": account["abc_class"],
            "grade": account["grade"],
            "score": account["score"],
            "recommendation": account["recommendation"],
            "policy_version": account["policy_version"],
            "decision": history[0] if history else None,
        },
        "now": {
            "value_class": tier.value_class,
            "frequency_class": tier.frequency_class,
            "abc_class": tier.abc_class,
            "grade": tier.grade,
            "raw_grade": card.raw_grade,
            "score": card.score,
            "recommendation": evaluation.recommendation,
            "order_count_12m": figures.order_count,
            "net_revenue_12m": figures.net_revenue,
            "window_start": figures.window_start,
            "lifecycle_stage": evaluation.lifecycle.stage,
            "lifecycle_reason": evaluation.lifecycle.reason,
            "indicators": [
                {
                    "indicator": i.indicator,
                    "weight": i.weight,
                    "score": i.score,
                    # Points this indicator adds to the score (weights of missing data shared).
                    "points": None
                    if i.score is None or not scored_weight
                    else (i.score * i.weight / scored_weight).quantize(Decimal("0.1")),
                    "detail": i.detail,
                }
                for i in card.indicators
            ],
            "missing": card.missing,
        },
        "why": why,
    }

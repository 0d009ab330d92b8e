"""ABC (Pareto) classes over all accounts by trailing revenue (DOMAIN.md §1, Tiering).

Accounts are ranked by 12-month net revenue, largest first (ties by account id, so the
ranking is stable). An account's measure is the share of all revenue earned by the accounts
ranked above it: A while that share is below 80% (so the top account is always A, and the one
that crosses 80% is too), B below 95%, C after. An account without revenue is C.
"""

from collections.abc import Mapping
from decimal import Decimal

from accounts.domain.hysteresis import held_class
from accounts.domain.tier_policy import TierPolicy


def shares_ranked_above(revenues: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Per account with revenue: the share of total revenue of the accounts ranked above it."""
    ranked = sorted(
        ((account_id, revenue) for account_id, revenue in revenues.items() if revenue > 0),
        key=lambda item: (-item[1], item[0]),
    )
    total = sum((revenue for _, revenue in ranked), Decimal(0))
    shares: dict[str, Decimal] = {}
    above = Decimal(0)
    for account_id, revenue in ranked:
        shares[account_id] = above / total
        above += revenue
    return shares


def abc_class(share_above: Decimal | None, current: str | None, policy: TierPolicy) -> str:
    """The ABC class to record, with hysteresis; `share_above` None means no revenue (C)."""
    if share_above is None:
        return "C"
    return held_class(current, share_above, policy.abc_bands(), policy.abc_margin)

"""The published literals (contracts.engagement_v1, accounts' key date kinds) equal the
domain's, which are their one spelling inside the service: contracts import no service, so a
value added on one side only fails here instead of in a consumer."""

from typing import Any, get_args

import pytest

from contracts import accounts_v1
from contracts import engagement_v1 as v1
from engagement.domain import accounts, plan, visits


@pytest.mark.parametrize(
    ("published", "domain"),
    [
        (v1.ItemKind, plan.ItemKind),
        (v1.ItemOrigin, plan.Origin),
        (v1.Party, plan.Party),
        (v1.RescheduleReason, plan.RescheduleReason),
        (v1.CancelReason, plan.CancelReason),
        (v1.Channel, visits.Channel),
        (v1.Outcome, visits.Outcome),
        (accounts_v1.KeyDateKind, accounts.KeyDateKind),
    ],
)
def test_the_contracts_literals_are_the_domains(published: Any, domain: Any) -> None:
    assert get_args(published) == get_args(domain)

"""The personal-data access log of engagement on the real PostgreSQL: logging a visit is a
change, each read of an account's visit log (API, page) and of care touches' contact names (the
pages) a read, with who and why; the audit (API and page) is the admin's alone. Engagement runs
in-process at T0 (Wednesday 2 December 2026 in Shanghai)."""

import pytest

from chassis.testing import Keycloak
from contracts import accounts_v1
from engagement.bootstrap import Engagement
from engagement_fixtures import ADMIN, MANAGER, T0, add_account, feed_accounts, signed_in

pytestmark = pytest.mark.integration

API = "/api/v1/engagement"


async def test_reads_and_changes_of_personal_data_are_logged_for_the_admin(
    engagement: Engagement, keycloak: Keycloak
) -> None:
    account_id, _ = await add_account(engagement, grade="B")
    await feed_accounts(
        engagement,
        [
            accounts_v1.AccountKeyDatesChanged(
                account_id=account_id,
                card_version=1,
                key_dates=[accounts_v1.KeyDate(reference="CT-1", kind="birthday", month=12, day=5)],
                changed_at=T0,
            )
        ],
    )
    async with signed_in(engagement, keycloak) as site:
        logged = await site.post(
            f"{API}/visits",
            json={
                "account_id": account_id,
                "occurred_on": "2026-12-02",
                "channel": "phone",
                "duration_minutes": 10,
                "outcome": "information",
                "notes": "Ms Wang asked for the new price list",
            },
        )
        assert logged.status_code == 201, logged.text
        visit_id = logged.json()["visit_id"]
        plan = await site.get(
            f"{API}/accounts/{account_id}/plan", headers={"X-Rapport-Purpose": "call preparation"}
        )
        assert plan.status_code == 200
        assert (await site.get(f"/engagement/accounts/{account_id}")).status_code == 200

        admin = keycloak.bearer(ADMIN)
        audit = await site.get(f"{API}/audit", params={"account_id": account_id}, headers=admin)
        assert audit.status_code == 200, audit.text
        entries = [
            (e["actor"], e["action"], e["what"], e["purpose"]) for e in audit.json()["items"]
        ]
        assert list(reversed(entries)) == [
            ("SUP-01", "change", f"visit {visit_id}: notes and next step", "contact planning"),
            ("SUP-01", "read", "visit log (notes, next steps)", "call preparation"),
            ("SUP-01", "read", "care touches' contact names", "care touches on the account plan"),
            ("SUP-01", "read", "visit log (notes, next steps)", "the account's plan page"),
        ]
        assert "Ms Wang" not in audit.text  # the log names what was read, never the data

        page = await site.get("/engagement/audit", params={"actor": "sup-01"}, headers=admin)
        assert page.status_code == 200
        assert f'data-account-id="{account_id}"' in page.text

        # Only the admin reads the audit.
        assert (await site.get(f"{API}/audit")).status_code == 403
        assert (await site.get("/engagement/audit")).status_code == 403
        manager_token = keycloak.bearer(MANAGER)
        assert (await site.get(f"{API}/audit", headers=manager_token)).status_code == 403
        refused = await site.get(f"{API}/audit", params={"page": 0}, headers=admin)
        assert refused.status_code == 422

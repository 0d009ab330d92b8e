"""What every service that keeps personal data does with accounts' erasures (decision 0020):
the text that replaces what was erased, and the completion it publishes."""

from datetime import datetime

from contracts.accounts_v1 import AccountContactsErased
from contracts.privacy_v1 import ErasureCompleted

# The same marker accounts writes, so every page shows an erasure alike.
ERASED = "(erased)"


def erasure_completed(
    erasure: AccountContactsErased, *, service: str, at: datetime
) -> ErasureCompleted:
    """The event that marks `service` done in accounts' erasure report."""
    return ErasureCompleted(
        account_id=erasure.account_id,
        erasure_id=erasure.erasure_id,
        service=service,
        completed_at=at,
    )

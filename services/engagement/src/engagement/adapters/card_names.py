"""Contacts' names and card dates' labels from accounts' HTTP API, for the pages that show a
care touch. Personal data stays in accounts (ARCHITECTURE.md): events carry references only, and
a page composes the name through the owner's API, which logs the read. One request per account
and page, with engagement's machine token (client credentials; accounts lets it read names and
nothing else) and the page and its user as the purpose; when accounts does not answer in time,
the page shows the reference with a note."""

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CardNames:
    """One account's card references and what a page shows for each: a contact's name or a
    date's label. `answered` is False when accounts could not be asked (down, slow, an error),
    so a missing reference means "not on the card" only when it is True."""

    answered: bool
    names: dict[str, str] = field(default_factory=dict)


NOT_ANSWERED = CardNames(answered=False)


class AccountsCards:
    """The client of accounts' `GET /api/v1/accounts/{id}/card/names`."""

    def __init__(self, *, base_url: str, timeout_seconds: float, auth: httpx.Auth) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout_seconds, auth=auth)

    async def names(
        self, account_ids: Iterable[str], *, user: str, purpose: str
    ) -> dict[str, CardNames]:
        """The names on each account's card, the accounts asked at once."""
        ids = sorted(set(account_ids))
        found = await asyncio.gather(*(self._names(a, user=user, purpose=purpose) for a in ids))
        return dict(zip(ids, found, strict=True))

    async def _names(self, account_id: str, *, user: str, purpose: str) -> CardNames:
        try:
            response = await self._client.get(
                f"/api/v1/accounts/{quote(account_id, safe='')}/card/names",
                # Read as engagement itself: the audit names the person it was for.
                headers={"X-Rapport-Purpose": f"{purpose}, for {user}"},
            )
            if response.status_code == 404:
                # The account is gone from accounts: nothing of its card is left to show.
                return CardNames(answered=True)
            response.raise_for_status()
            body = response.json()
            names = {c["reference"]: c["name"] for c in body["contacts"]}
            names.update({d["reference"]: d["label"] for d in body["dates"]})
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            log.warning("accounts gave no card names for %s: %r", account_id, error)
            return NOT_ANSWERED
        return CardNames(answered=True, names=names)

    async def aclose(self) -> None:
        await self._client.aclose()

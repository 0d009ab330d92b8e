"""The real identity provider for tests: Keycloak with the `rapport` realm.

Where it comes from: `RAPPORT_OIDC_ISSUER` when set (a Keycloak already running with the realm
of deploy/local/keycloak/rapport-realm.json); otherwise `deploy/local/stack.sh keycloak-up`
against the PostgreSQL server of the `infrastructure` fixture, a no-op when it already runs.
"""

import asyncio
import os
import subprocess
import time
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

import httpx
import jwt
import pytest
from sqlalchemy.engine import make_url

from chassis.auth import IdentitySettings
from chassis.testing.infrastructure import REPO_ROOT, Infrastructure

# The demo users' password and the machine client of the realm file (listed in the README).
DEMO_PASSWORD = "rapport-demo"
FEEDER_CLIENT = ("rapport-feeder", "rapport-feeder-secret")
# Tests only: the same realm, with access tokens that live one second.
SHORT_LIVED_CLIENT = ("rapport-short-lived", "rapport-short-lived-secret")
# Access tokens by (issuer, username), with when to fetch a new one: a suite asks for the same
# demo users thousands of times, the realm's tokens live five minutes.
_CACHED_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}


@dataclass(frozen=True)
class Keycloak:
    """The running realm, and tokens from it."""

    issuer: str

    @property
    def token_url(self) -> str:
        return f"{self.issuer}/protocol/openid-connect/token"

    def settings(self, **overrides: Any) -> IdentitySettings:
        """The services' identity settings for this realm."""
        return IdentitySettings(issuer=self.issuer, **overrides)

    def tokens(self, **form: str) -> dict[str, Any]:
        """The token endpoint's answer to `form` (a grant), which must succeed."""
        response = httpx.post(self.token_url, data=form, timeout=30)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def password_tokens(
        self, username: str, *, client: tuple[str, str] = FEEDER_CLIENT, scope: str = "openid"
    ) -> dict[str, Any]:
        """A demo user's tokens by the password grant (access, refresh and ID token)."""
        client_id, client_secret = client
        return self.tokens(
            grant_type="password",
            client_id=client_id,
            client_secret=client_secret,
            username=username,
            password=DEMO_PASSWORD,
            scope=scope,
        )

    def access_token(self, username: str, *, client: tuple[str, str] = FEEDER_CLIENT) -> str:
        return str(self.password_tokens(username, client=client)["access_token"])

    async def expired_access_token(self, username: str) -> str:
        """A demo user's genuine access token once it has expired: the short-lived client's
        live one second, and this returns when the token's own `exp` has passed."""
        token = self.access_token(username, client=SHORT_LIVED_CLIENT)
        expiry = jwt.decode(token, options={"verify_signature": False})["exp"]
        await asyncio.sleep(max(0.0, expiry - time.time()) + 0.1)
        return token

    def bearer(self, username: str) -> dict[str, str]:
        """Request headers of a demo user's API call (`sup-01`): a real token of the realm,
        reused while it has more than a minute to live."""
        key = (self.issuer, username)
        token, renew_at = _CACHED_TOKENS.get(key, ("", 0.0))
        if time.monotonic() >= renew_at:
            answer = self.password_tokens(username)
            token = str(answer["access_token"])
            renew_at = time.monotonic() + float(answer["expires_in"]) - 60
            _CACHED_TOKENS[key] = (token, renew_at)
        return {"Authorization": f"Bearer {token}"}

    def client_credentials_token(self, client: tuple[str, str] = FEEDER_CLIENT) -> str:
        client_id, client_secret = client
        answer = self.tokens(
            grant_type="client_credentials", client_id=client_id, client_secret=client_secret
        )
        return str(answer["access_token"])


class SignedInAs(httpx.Auth):
    """A real token of a demo user on every request that brings no
    `Authorization` of its own: `headers=keycloak.bearer(SUPERVISOR)` acts as someone else."""

    def __init__(self, keycloak: Keycloak, username: str) -> None:
        self._keycloak = keycloak
        self._username = username

    def user_for(self, request: httpx.Request) -> str:
        return self._username

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if "authorization" not in request.headers:
            request.headers.update(self._keycloak.bearer(self.user_for(request)))
        yield request


def _from_local_stack(infra: Infrastructure) -> str:
    """Starts Keycloak on the infrastructure's PostgreSQL server; returns the issuer."""
    server = make_url(infra.admin_database_url)
    env = {
        **os.environ,
        "RAPPORT_PG_PORT": str(server.port or 5432),
        "RAPPORT_PG_SUPERUSER_PASSWORD": str(server.password or ""),
    }
    stack = REPO_ROOT / "deploy" / "local" / "stack.sh"
    subprocess.run([str(stack), "keycloak-up"], check=True, env=env)
    exports = subprocess.run(
        [str(stack), "env"], check=True, capture_output=True, text=True, env=env
    )
    line = next(line for line in exports.stdout.splitlines() if "RAPPORT_OIDC_ISSUER=" in line)
    return line.split("=", 1)[1].strip("'\"")


@pytest.fixture(scope="session")
def keycloak(infrastructure: Infrastructure) -> Keycloak:
    issuer = os.environ.get("RAPPORT_OIDC_ISSUER") or _from_local_stack(infrastructure)
    return Keycloak(issuer.rstrip("/"))

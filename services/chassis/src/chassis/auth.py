"""Who asks: bearer tokens verified against the identity provider, and the browser's sign-in.

One dependency, `current_principal` (`CurrentPrincipal` in a route's signature), answers for API
clients and pages alike: a bearer token is verified on every request (signature from the realm's
JWKS, issuer, audience, expiry); a browser carries the signed session cookie that the sign-in
router set after verifying the token it got by the authorization-code flow with PKCE. Anything
else is a 401 with the uniform error body. Decision 0016 says why and how scoping follows.

A service's app takes all of it with one line in its composition root:
`install_identity(app, IdentitySettings(), prefix="/accounts")`.

Pages depend on `SignedIn` instead (a browser nobody signed in to is sent to sign in and back),
and their router on `csrf_protected` (every state-changing form carries `csrf_input()`).
Ownership: `scope_of(principal, TeamSettings().teams)` is the `Scope` repositories filter by.
"""

import asyncio
import logging
import secrets
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.middleware.sessions import SessionMiddleware

from chassis import i18n
from chassis.errors import Forbidden, Unauthorized, Unavailable
from chassis.http import parse_form
from chassis.messages import _

log = logging.getLogger(__name__)

Role = Literal["manager", "supervisor", "complaint_handler", "ops", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)
SESSION_COOKIE = "rapport_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class IdentitySettings(BaseSettings):
    """The realm every service trusts; the same for all services (env prefix `RAPPORT_OIDC_`)."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_OIDC_", extra="ignore")

    issuer: str = Field(
        default="http://127.0.0.1:18080/realms/rapport",
        description="The `iss` every token must carry: the realm's public address.",
    )
    audience: str = Field(default="rapport", description="The `aud` every token must carry.")
    internal_url: str | None = Field(
        default=None,
        description="Where this process reaches the realm when that is not the public issuer "
        "(a container network); keys and discovery are fetched from there.",
    )
    algorithms: tuple[str, ...] = ("RS256",)
    client_id: str = "rapport-web"
    client_secret: str = "rapport-web-secret"
    public_url: str = Field(
        default="http://127.0.0.1:8080",
        description="The front door's address: the browser comes back to <public_url><prefix>"
        "/auth/callback and lands on <public_url>/ after signing out.",
    )
    session_secret: str = Field(
        default="local-development-only-session-secret",
        description="Signs the session cookie; the same in every service, secret in production.",
    )
    session_max_age_seconds: int = 8 * 3600
    session_https_only: bool = Field(
        default=False, description="Mark the session cookie Secure (behind TLS)."
    )

    @property
    def realm_url(self) -> str:
        return (self.internal_url or self.issuer).rstrip("/")

    @property
    def jwks_url(self) -> str:
        """Keycloak's JWKS address under the realm."""
        return f"{self.realm_url}/protocol/openid-connect/certs"

    @property
    def metadata_url(self) -> str:
        return f"{self.realm_url}/.well-known/openid-configuration"

    @property
    def token_url(self) -> str:
        """Where a machine client gets its tokens (`ClientCredentials`)."""
        return f"{self.realm_url}/protocol/openid-connect/token"


@dataclass(frozen=True)
class Principal:
    """The signed-in person (or machine client) a request acts for."""

    user_id: str  # the staff id (AM-01) the data uses; a machine client's username
    username: str
    roles: frozenset[Role]
    teams: frozenset[str]  # the directory's groups
    department: str | None
    subject: str  # the identity provider's own id (`sub`)

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def require(self, *roles: Role) -> None:
        """Forbidden (403) unless the principal holds one of `roles`."""
        if not self.has_role(*roles):
            raise Forbidden(_("this needs the role %(roles)s") % {"roles": " or ".join(roles)})

    def to_session(self) -> dict[str, Any]:
        fields = asdict(self)
        return {**fields, "roles": sorted(self.roles), "teams": sorted(self.teams)}

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> "Principal":
        return cls(
            user_id=str(data["user_id"]),
            username=str(data["username"]),
            roles=frozenset(role for role in data["roles"] if role in ROLES),
            teams=frozenset(str(team) for team in data["teams"]),
            department=data["department"],
            subject=str(data["subject"]),
        )


def _strings(claims: Mapping[str, Any], name: str) -> list[str]:
    value = claims.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise Unauthorized(f"the token's {name!r} claim is not a list of strings")
    return value


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """The realm's mappers put `staff_id`, `department`, `roles` and `groups` in the token."""
    username = str(claims.get("preferred_username") or claims["sub"])
    department = claims.get("department")
    return Principal(
        user_id=str(claims.get("staff_id") or username),
        username=username,
        # Roles outside Rapport's vocabulary (the directory may have others) grant nothing.
        roles=frozenset(role for role in _strings(claims, "roles") if role in ROLES),
        teams=frozenset(group.rsplit("/", 1)[-1] for group in _strings(claims, "groups")),
        department=department if isinstance(department, str) else None,
        subject=str(claims["sub"]),
    )


class TokenVerifier:
    """Verifies access tokens with PyJWT. Keys come from the realm's JWKS through PyJWKClient,
    which caches them and fetches the set again when a token names a key id it has not seen
    (the realm rotated its keys)."""

    def __init__(
        self, *, jwks_url: str, issuer: str, audience: str, algorithms: tuple[str, ...]
    ) -> None:
        self._keys = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5)
        self._issuer = issuer
        self._audience = audience
        self._algorithms = list(algorithms)

    @classmethod
    def from_settings(cls, settings: IdentitySettings) -> "TokenVerifier":
        return cls(
            jwks_url=settings.jwks_url,
            issuer=settings.issuer,
            audience=settings.audience,
            algorithms=settings.algorithms,
        )

    async def claims(self, token: str) -> dict[str, Any]:
        """The verified claims, or Unauthorized saying what is wrong with the token."""
        try:
            # A cache miss fetches over HTTP with urllib: keep it off the event loop.
            key = await asyncio.to_thread(self._keys.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=self._algorithms,
                audience=self._audience,
                issuer=self._issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as exc:
            log.warning("the realm's keys cannot be fetched: %s", exc)
            raise Unavailable("the identity provider does not answer") from None
        except jwt.ExpiredSignatureError:
            raise Unauthorized("the token has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized("the token is not meant for this system") from None
        except jwt.InvalidIssuerError:
            raise Unauthorized("the token was issued by someone else") from None
        except (jwt.PyJWKClientError, jwt.InvalidTokenError) as exc:
            raise Unauthorized(f"the token is not valid: {exc}") from None
        return claims

    async def verify(self, token: str) -> Principal:
        return principal_from_claims(await self.claims(token))


class Identity:
    """What an app needs to know who asks: the verifier and the sign-in client of the realm."""

    def __init__(self, settings: IdentitySettings, *, prefix: str) -> None:
        self.settings = settings
        self.prefix = prefix.rstrip("/")
        self.verifier = TokenVerifier.from_settings(settings)
        self.oauth = OAuth()
        self.oauth.register(
            "realm",
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            server_metadata_url=settings.metadata_url,
            client_kwargs={"scope": "openid", "code_challenge_method": "S256"},
        )

    @property
    def callback_url(self) -> str:
        return f"{self.settings.public_url.rstrip('/')}{self.prefix}/auth/callback"


def _identity(request: Request) -> Identity:
    identity = getattr(request.app.state, "identity", None)
    if not isinstance(identity, Identity):
        raise RuntimeError("install_identity(app, ...) was not called for this app")
    return identity


_bearer = HTTPBearer(
    auto_error=False, description="An access token of the Rapport realm (audience `rapport`)."
)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The bearer token's principal, else the signed-in browser's; else 401."""
    identity = _identity(request)
    if credentials is not None:
        return await identity.verifier.verify(credentials.credentials)
    principal = signed_in(request)
    if principal is None:
        raise Unauthorized(_("sign in, or send a bearer token"))
    return principal


def signed_in(request: Request) -> Principal | None:
    """The browser's signed-in principal from its session (None: nobody, or no session)."""
    session = request.scope.get("session")
    if not session or "principal" not in session:
        return None
    try:
        return Principal.from_session(session["principal"])
    except (KeyError, TypeError):
        return None  # written by an older release: signing in again replaces it


def sign_out_path(request: Request) -> str:
    """Where the layout's sign-out form posts to: the sign-in router of this service."""
    return f"{_identity(request).prefix}/auth/logout"


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


class SignInRequired(Exception):
    """A page was asked for by a browser nobody signed in to: it goes to sign in, then back."""

    def __init__(self, return_to: str) -> None:
        super().__init__(return_to)
        self.return_to = return_to


async def page_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """`current_principal` for pages: with no token and no session, a redirect to sign in
    (a wrong token stays a 401: the client sent one and should hear what is wrong)."""
    try:
        return await current_principal(request, credentials)
    except Unauthorized:
        if credentials is not None:
            raise
        query = request.url.query
        raise SignInRequired(request.url.path + (f"?{query}" if query else "")) from None


SignedIn = Annotated[Principal, Depends(page_principal)]


def require_role(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency: the principal, when they hold one of `roles`; else 403."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        principal.require(*roles)
        return principal

    return dependency


class TeamSettings(BaseSettings):
    """Which managers each team has: the same teams as the realm's groups (`RAPPORT_TEAMS`,
    JSON such as `{"east": ["AM-01", "AM-02"]}`)."""

    model_config = SettingsConfigDict(env_prefix="RAPPORT_", extra="ignore")

    teams: dict[str, frozenset[str]] = Field(
        default={
            "east": frozenset({"AM-01", "AM-02", "AM-03"}),
            "south": frozenset({"AM-04", "AM-05"}),
        },
        description="Team name (a realm group) to the staff ids of its account managers.",
    )


@dataclass(frozen=True)
class Scope:
    """Whose customer records a principal may see and change (decision 0016, point 3): the
    accounts of `managers`, the complaint tickets assigned to `departments`. Repositories put
    it in the SQL `WHERE`, so a record outside it is simply not found."""

    managers: frozenset[str]
    departments: frozenset[str]
    teams: frozenset[str] = frozenset()  # a supervisor's own teams (of `RAPPORT_TEAMS`)

    def covers(self, manager: str | None) -> bool:
        return manager is not None and manager in self.managers


def scope_of(principal: Principal, teams: Mapping[str, Collection[str]]) -> Scope:
    """A manager: their own accounts; a supervisor: their teams' managers' accounts; a handler:
    their department's tickets. Ops and admins hold no customer records by role alone."""
    managers: set[str] = set()
    if principal.has_role("manager"):
        managers.add(principal.user_id)
    own_teams = (
        frozenset(principal.teams & teams.keys())
        if principal.has_role("supervisor")
        else frozenset()
    )
    for team in own_teams:
        managers.update(teams[team])
    departments: set[str] = set()
    if principal.has_role("complaint_handler") and principal.department:
        departments.add(principal.department)
    return Scope(managers=frozenset(managers), departments=frozenset(departments), teams=own_teams)


# The account managers whose customer records are in scope; None: every manager's.
Managers = frozenset[str] | None


def managers_read_by(principal: Principal, teams: Mapping[str, Collection[str]]) -> Managers:
    """The account managers whose customer records (accounts, their figures) a principal
    reads: the admin every manager's (None); anyone else those of `scope_of`."""
    if principal.has_role("admin"):
        return None
    return scope_of(principal, teams).managers


@dataclass(frozen=True)
class Caller:
    """The signed-in person a request acts for, and whose customer records they may see and
    change (decision 0016): `managers`, which every read and write-load of the service puts in
    its SQL. A service's routes take one (or its own subclass) through `caller_dependency`."""

    principal: Principal
    managers: Managers

    def can(self, *roles: Role) -> bool:
        """Whether the caller holds one of `roles` (the pages show only what they may do)."""
        return self.principal.has_role(*roles)


C = TypeVar("C", bound=Caller)
# Where a request's app keeps its teams (team name to its managers' staff ids).
TeamsOf = Callable[[Request], Mapping[str, Collection[str]]]


def caller_dependency(
    kind: type[C], teams_of: TeamsOf, *roles: Role
) -> Callable[..., Awaitable[C]]:
    """A dependency of an API route: the `kind` of caller, when their token holds one of
    `roles` (else 403), scoped by `managers_read_by` with the app's teams."""

    async def dependency(request: Request, principal: CurrentPrincipal) -> C:
        principal.require(*roles)
        return kind(principal, managers_read_by(principal, teams_of(request)))

    return dependency


def page_caller_dependency(
    kind: type[C], teams_of: TeamsOf, *roles: Role
) -> Callable[..., Awaitable[C]]:
    """`caller_dependency` for pages: a browser nobody signed in to is sent to sign in first.
    The caller is also kept on the request (`request.state.caller`), for the templates to show
    only the actions it may take."""

    async def dependency(request: Request, principal: SignedIn) -> C:
        principal.require(*roles)
        found = kind(principal, managers_read_by(principal, teams_of(request)))
        request.state.caller = found
        return found

    return dependency


def csrf_token(request: Request) -> str:
    """The session's token that every state-changing form sends back (made on first use)."""
    token = request.session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_FIELD] = token
    return token


async def csrf_protected(request: Request) -> None:
    """A dependency for pages' routers: a POST from a browser must carry the session's token
    (form field `csrf_token` or header `X-CSRF-Token`), so another site cannot post a form in
    the signed-in user's name. Bearer clients carry no ambient credentials and need none."""
    if request.method in SAFE_METHODS or "authorization" in request.headers:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        # The body is kept on the request, so the route reads the same form after this.
        sent = parse_form(await request.body()).get(CSRF_FIELD)
    expected = request.session.get(CSRF_FIELD)
    if not (isinstance(expected, str) and sent and secrets.compare_digest(sent, expected)):
        raise Forbidden(_("the form's security token is missing or stale: reload the page"))


def return_path(target: str | None) -> str:
    """Only a path of our own site is a place to return to (no open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    # Browsers read a backslash as a slash: "/\\evil.example" would leave the site.
    foreign = parts.scheme or parts.netloc or target.startswith("//") or "\\" in target
    if foreign or not target.startswith("/") or not target.isprintable():
        return "/"
    return target


def _provider_down(exc: Exception) -> Unavailable:
    log.warning("the identity provider does not answer: %s", exc)
    return Unavailable("the identity provider does not answer")


def sign_in_router() -> APIRouter:
    """`/auth/login`, `/auth/callback` and `/auth/logout` (POST) under the app's prefix."""
    router = APIRouter(prefix="/auth", include_in_schema=False)

    @router.get("/login")
    async def login(request: Request, next: str | None = None) -> RedirectResponse:
        identity = _identity(request)
        request.session["next"] = return_path(next)
        try:
            # The provider's sign-in form in the page's language, unless the user chose another.
            response: RedirectResponse = await identity.oauth.realm.authorize_redirect(
                request, identity.callback_url, ui_locales=i18n.current().html
            )
        except httpx.HTTPError as exc:
            raise _provider_down(exc) from None
        return response

    @router.get("/callback")
    async def callback(request: Request) -> RedirectResponse:
        identity = _identity(request)
        try:
            token = await identity.oauth.realm.authorize_access_token(request)
        except OAuthError as exc:
            raise Unauthorized(f"sign-in did not complete: {exc.error}") from None
        except httpx.HTTPError as exc:
            raise _provider_down(exc) from None
        principal = await identity.verifier.verify(token["access_token"])
        target = return_path(request.session.get("next"))
        # A new session on every sign-in: nothing from before it survives.
        request.session.clear()
        request.session["principal"] = principal.to_session()
        # The user's own language, kept by the provider (Keycloak's `locale` attribute, which
        # its sign-in form's language picker sets); chassis.i18n puts it before the browser's.
        language = i18n.language_of(str(token.get("userinfo", {}).get("locale") or ""))
        if language is not None:
            request.session[i18n.SESSION_KEY] = language.code
        # Kept for the provider's sign-out (`id_token_hint`), which then asks nothing.
        request.session["id_token"] = token.get("id_token")
        return RedirectResponse(target, status_code=303)

    @router.post("/logout", dependencies=[Depends(csrf_protected)])
    async def logout(request: Request) -> RedirectResponse:
        identity = _identity(request)
        id_token = request.session.get("id_token")
        request.session.clear()
        response: RedirectResponse = await identity.oauth.realm.logout_redirect(
            request,
            post_logout_redirect_uri=f"{identity.settings.public_url.rstrip('/')}/",
            id_token_hint=id_token,
            client_id=identity.settings.client_id,
        )
        # authlib keeps a state to check the provider's return with; the front door's home
        # page does not check it, so nothing of the session is kept.
        request.session.clear()
        response.status_code = 303
        return response

    return router


class ClientCredentials(httpx.Auth):
    """httpx auth of a machine client calling another service: a token of the client
    credentials grant, fetched when first needed, reused until a minute before it expires, and
    fetched again once when the service answers 401 (the realm rotated its keys, say). A token
    endpoint that does not answer is the request's `httpx.HTTPError`."""

    def __init__(
        self, *, token_url: str, client_id: str, client_secret: str, timeout_seconds: float = 5
    ) -> None:
        self._token_url = token_url
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        }
        self._timeout = timeout_seconds
        self._token: str | None = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def _current(self, *, fresh: bool = False) -> str:
        async with self._lock:
            if fresh or self._token is None or time.monotonic() >= self._renew_at:
                async with httpx.AsyncClient(timeout=self._timeout) as client:
                    response = await client.post(self._token_url, data=self._form)
                response.raise_for_status()
                answer = response.json()
                self._token = str(answer["access_token"])
                self._renew_at = time.monotonic() + float(answer.get("expires_in", 60)) - 60
            return self._token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers["Authorization"] = f"Bearer {await self._current()}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {await self._current(fresh=True)}"
            yield request


def install_identity(app: FastAPI, settings: IdentitySettings, *, prefix: str) -> None:
    """Token verification for `current_principal`, the session cookie and the sign-in routes
    under `prefix` (the service's path at the front door, e.g. "/accounts")."""
    app.state.identity = Identity(settings, prefix=prefix)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.session_https_only,
    )
    app.include_router(sign_in_router(), prefix=prefix.rstrip("/"))
    login_path = f"{prefix.rstrip('/')}/auth/login"

    async def sign_in_first(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SignInRequired)
        return RedirectResponse(f"{login_path}?{urlencode({'next': exc.return_to})}", 303)

    app.add_exception_handler(SignInRequired, sign_in_first)

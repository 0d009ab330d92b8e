"""Tokens issued by the real Keycloak realm, checked by the chassis's one dependency: good ones
give the right principal; expired, wrongly signed, wrong-audience and missing ones get a 401
with the error body. The browser's sign-in, callback and sign-out run against the same realm."""

import asyncio
import re
from collections.abc import AsyncIterator
from html import unescape
from typing import Annotated, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from playwright.async_api import BrowserContext, expect

from chassis.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    ClientCredentials,
    CurrentPrincipal,
    IdentitySettings,
    Principal,
    SignedIn,
    csrf_protected,
    csrf_token,
    install_identity,
    require_role,
)
from chassis.http import create_app
from chassis.testing import (
    DEMO_PASSWORD,
    Keycloak,
    eventually,
    free_port,
    sign_in,
    unguarded_routes,
)
from chassis.web import WEB_DIR, templates

FRONT_DOOR = "http://127.0.0.1:8080"


def whoami_router() -> APIRouter:
    router = APIRouter()

    @router.get("/api/v1/whoami")
    async def whoami(principal: CurrentPrincipal) -> dict[str, Any]:
        return principal.to_session()

    @router.post("/api/v1/approvals")
    async def approve(
        principal: Annotated[Principal, Depends(require_role("supervisor"))],
    ) -> dict[str, str]:
        return {"approved_by": principal.user_id}

    @router.get("/test/form")
    async def form(request: Request, principal: SignedIn) -> PlainTextResponse:
        """A page: the token its forms would carry."""
        return PlainTextResponse(csrf_token(request))

    @router.get("/test/layout")
    async def layout(request: Request, principal: SignedIn) -> HTMLResponse:
        """The shared layout, as every service's pages extend it."""
        shared = templates(WEB_DIR / "templates", static_prefix="/test/static")
        return shared.TemplateResponse(request, "base.html", {})

    @router.post("/test/form", dependencies=[Depends(csrf_protected)])
    async def post_form(principal: SignedIn) -> PlainTextResponse:
        return PlainTextResponse(f"saved by {principal.user_id}")

    return router


def app_for(settings: IdentitySettings) -> FastAPI:
    app = create_app(service="test", title="test", readiness_checks=[], routers=[whoami_router()])
    install_identity(app, settings, prefix="/test")
    return app


@pytest.fixture
async def client(keycloak: Keycloak) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app_for(keycloak.settings()))
    async with httpx.AsyncClient(transport=transport, base_url=FRONT_DOOR) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unverified(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


async def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_managers_token_gives_their_staff_id_role_and_team(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    response = await client.get("/api/v1/whoami", headers=bearer(keycloak.access_token("am-01")))

    assert response.status_code == 200, response.text
    assert response.json() | {"subject": None} == {
        "user_id": "AM-01",
        "username": "am-01",
        "roles": ["manager"],
        "teams": ["east"],
        "department": None,
        "subject": None,
    }


async def test_a_supervisor_and_a_handler_carry_their_team_and_department(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    supervisor = await client.get("/api/v1/whoami", headers=bearer(keycloak.access_token("sup-02")))
    handler = await client.get("/api/v1/whoami", headers=bearer(keycloak.access_token("qa-01")))

    assert (supervisor.json()["user_id"], supervisor.json()["roles"]) == ("SUP-02", ["supervisor"])
    assert supervisor.json()["teams"] == ["south"]
    assert (handler.json()["user_id"], handler.json()["roles"]) == ("QA-01", ["complaint_handler"])
    assert handler.json()["department"] == "quality"


async def test_a_machine_client_signs_in_with_client_credentials(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    response = await client.get(
        "/api/v1/whoami", headers=bearer(keycloak.client_credentials_token())
    )

    assert response.status_code == 200, response.text
    assert response.json()["user_id"] == "service-account-rapport-feeder"
    assert response.json()["roles"] == []


async def test_client_credentials_auth_fetches_a_token_reuses_it_and_renews_it_on_a_401(
    keycloak: Keycloak,
) -> None:
    settings = keycloak.settings()
    tokens: list[str] = []

    async def seen(request: httpx.Request) -> None:
        tokens.append(request.headers["authorization"])

    auth = ClientCredentials(
        token_url=settings.token_url,
        client_id="rapport-feeder",
        client_secret="rapport-feeder-secret",
    )
    transport = httpx.ASGITransport(app=app_for(settings))
    async with httpx.AsyncClient(
        transport=transport, base_url=FRONT_DOOR, auth=auth, event_hooks={"request": [seen]}
    ) as machine:
        first = await machine.get("/api/v1/whoami")
        second = await machine.get("/api/v1/whoami")
        assert first.status_code == second.status_code == 200, first.text
        assert first.json()["user_id"] == "service-account-rapport-feeder"
        assert tokens[0] == tokens[1]  # reused, not fetched per request

        # A token the service no longer takes (here: forged) is fetched again once.
        auth._token = "not-a-token"
        tokens.clear()
        renewed = await machine.get("/api/v1/whoami")
        assert renewed.status_code == 200
        assert tokens[0] == "Bearer not-a-token" and tokens[1] != tokens[0]


async def test_a_missing_token_gets_401(client: httpx.AsyncClient) -> None:
    await assert_unauthorized(await client.get("/api/v1/whoami"))
    await assert_unauthorized(
        await client.get("/api/v1/whoami", headers={"Authorization": "Bearer not-a-token"})
    )


async def test_an_expired_token_gets_401(client: httpx.AsyncClient, keycloak: Keycloak) -> None:
    token = await keycloak.expired_access_token("am-01")

    # The message shows the expiry refused it: the signature was checked before.
    response = await client.get("/api/v1/whoami", headers=bearer(token))

    await assert_unauthorized(response)
    assert "expired" in response.json()["error"]["message"]


async def test_a_token_signed_with_another_key_gets_401(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    genuine = keycloak.access_token("am-01")
    claims = unverified(genuine) | {"roles": ["admin"]}
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    # The realm's key id, so the forgery is checked against the realm's real key and fails.
    kid = jwt.get_unverified_header(genuine)["kid"]
    forged = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": kid})
    unknown_kid = jwt.encode(claims, other_key, algorithm="RS256", headers={"kid": "elsewhere"})

    await assert_unauthorized(await client.get("/api/v1/whoami", headers=bearer(forged)))
    await assert_unauthorized(await client.get("/api/v1/whoami", headers=bearer(unknown_kid)))


async def test_a_token_for_another_audience_gets_401(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    # The ID token is the realm's, correctly signed, but meant for the client, not for Rapport.
    id_token = keycloak.password_tokens("am-01")["id_token"]
    assert unverified(id_token)["aud"] == "rapport-feeder"

    response = await client.get("/api/v1/whoami", headers=bearer(id_token))

    await assert_unauthorized(response)
    assert "not meant for this system" in response.json()["error"]["message"]


async def test_a_token_of_another_issuer_gets_401(keycloak: Keycloak) -> None:
    settings = IdentitySettings(issuer=f"{keycloak.issuer}-elsewhere", internal_url=keycloak.issuer)
    transport = httpx.ASGITransport(app=app_for(settings))
    async with httpx.AsyncClient(transport=transport, base_url=FRONT_DOOR) as client:
        response = await client.get(
            "/api/v1/whoami", headers=bearer(keycloak.access_token("am-01"))
        )

    await assert_unauthorized(response)


async def test_an_action_outside_the_role_gets_403(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    manager = await client.post("/api/v1/approvals", headers=bearer(keycloak.access_token("am-01")))
    supervisor = await client.post(
        "/api/v1/approvals", headers=bearer(keycloak.access_token("sup-01"))
    )

    assert manager.status_code == 403
    assert manager.json()["error"]["code"] == "forbidden"
    assert supervisor.json() == {"approved_by": "SUP-01"}


def login_form(page: httpx.Response) -> str:
    """The action of Keycloak's sign-in form."""
    match = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', page.text)
    assert match, page.text[:2000]
    return unescape(match.group(1))


async def test_a_browser_signs_in_with_pkce_and_out_again(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    provider = httpx.AsyncClient(timeout=30)

    async def as_on_a_secure_origin(_: httpx.Response) -> None:
        # Keycloak's cookies are Secure; a browser sends them to the loopback address over
        # plain HTTP (a secure origin), httpx only over HTTPS.
        for cookie in provider.cookies.jar:
            cookie.secure = False

    provider.event_hooks["response"] = [as_on_a_secure_origin]
    async with provider:
        started = await client.get("/test/auth/login", params={"next": "/test/board"})
        assert started.status_code == 302
        authorize = urlsplit(started.headers["location"])
        query = parse_qs(authorize.query)
        assert (query["code_challenge_method"], query["client_id"]) == (["S256"], ["rapport-web"])
        assert query["redirect_uri"] == [f"{FRONT_DOOR}/test/auth/callback"]

        page = await provider.get(started.headers["location"])
        signed_in = await provider.post(
            login_form(page), data={"username": "am-02", "password": DEMO_PASSWORD}
        )
        assert signed_in.status_code == 302, re.sub(
            r"(?s)<script.*?</script>|<[^>]+>|\s+", " ", signed_in.text
        )[-1500:]
        callback = urlsplit(signed_in.headers["location"])
        assert f"{callback.scheme}://{callback.netloc}{callback.path}" == (
            f"{FRONT_DOOR}/test/auth/callback"
        )

        landed = await client.get(f"{callback.path}?{callback.query}")
        assert (landed.status_code, landed.headers["location"]) == (303, "/test/board")
        session_cookie = landed.headers["set-cookie"].lower()
        # Browsers keep at most 4096 bytes of a cookie.
        assert len(session_cookie) < 4096, len(session_cookie)
        assert session_cookie.startswith(f"{SESSION_COOKIE}=")
        assert {"httponly", "samesite=lax", "path=/"} <= {
            attribute.strip() for attribute in session_cookie.split(";")
        }

        me = await client.get("/api/v1/whoami")
        assert (me.json()["user_id"], me.json()["roles"]) == ("AM-02", ["manager"])

        # A form posted without the session's token (another site's form) is refused.
        forged = await client.post("/test/form", data={"note": "x"})
        assert (forged.status_code, forged.json()["error"]["code"]) == (403, "forbidden")
        wrong = await client.post("/test/form", data={CSRF_FIELD: "guessed"})
        assert wrong.status_code == 403
        token = (await client.get("/test/form")).text
        saved = await client.post("/test/form", data={CSRF_FIELD: token, "note": "x"})
        assert (saved.status_code, saved.text) == (200, "saved by AM-02")

        # The layout names who is signed in, with a sign-out form carrying the token.
        layout = (await client.get("/test/layout")).text
        assert '<span class="who" title="manager">AM-02</span>' in layout
        assert 'action="/test/auth/logout"' in layout
        assert f'<input type="hidden" name="{CSRF_FIELD}" value="{token}">' in layout

        assert (await client.post("/test/auth/logout")).status_code == 403
        signed_out = await client.post("/test/auth/logout", data={CSRF_FIELD: token})
        assert signed_out.status_code == 303
        end_session = urlsplit(signed_out.headers["location"])
        assert parse_qs(end_session.query)["post_logout_redirect_uri"] == [f"{FRONT_DOOR}/"]
        await assert_unauthorized(await client.get("/api/v1/whoami"))
        # The provider's session ends too: it sends the browser back to the front door.
        ended = await provider.get(signed_out.headers["location"])
        assert ended.status_code == 302
        assert ended.headers["location"].split("?")[0] == f"{FRONT_DOOR}/"
        assert SESSION_COOKIE not in client.cookies


async def test_a_callback_without_its_sign_in_is_refused(client: httpx.AsyncClient) -> None:
    refused = await client.get("/test/auth/callback", params={"code": "x", "state": "forged"})

    await assert_unauthorized(refused)


async def test_a_page_sends_a_browser_nobody_signed_in_to_sign_in(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/test/form", params={"a": "1"})

    assert response.status_code == 303
    assert response.headers["location"] == "/test/auth/login?next=%2Ftest%2Fform%3Fa%3D1"


async def test_a_page_with_a_bad_token_is_a_401_not_a_sign_in(client: httpx.AsyncClient) -> None:
    await assert_unauthorized(await client.get("/test/form", headers=bearer("not-a-token")))


async def test_an_api_client_with_a_token_needs_no_csrf_token(
    client: httpx.AsyncClient, keycloak: Keycloak
) -> None:
    response = await client.post("/test/form", headers=keycloak.bearer("sup-01"))

    assert (response.status_code, response.text) == (200, "saved by SUP-01")


def test_every_route_of_the_test_app_is_guarded(keycloak: Keycloak) -> None:
    app = app_for(keycloak.settings())

    @app.get("/api/v1/open")
    async def open_route() -> dict[str, str]:
        return {}

    @app.post("/test/unchecked")
    async def unchecked(principal: SignedIn) -> dict[str, str]:
        return {}

    # A service's routes come in included routers, which `app.routes` holds as one entry each.
    included = APIRouter(prefix="/api/v1/included")

    @included.get("/route")
    async def included_route() -> dict[str, str]:
        return {}

    app.include_router(included)

    assert sorted(unguarded_routes(app)) == [
        "GET /api/v1/included/route: no principal",
        "GET /api/v1/open: no principal",
        "POST /test/unchecked: no CSRF check",
    ]


@pytest.fixture
async def served(keycloak: Keycloak) -> AsyncIterator[str]:
    """The test app on a loopback port, which is its public address (the front door's role)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = app_for(keycloak.settings(public_url=url))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())

    async def started() -> bool:
        return server.started

    await eventually(started, within=30)
    try:
        yield url
    finally:
        server.should_exit = True
        await serving


@pytest.mark.browser
async def test_chromium_signs_in_lands_on_its_page_and_signs_out(
    browser: BrowserContext, served: str
) -> None:
    page = await browser.new_page()

    await sign_in(page, f"{served}/test/layout", "sup-01")

    await expect(page.locator("form.session .who")).to_have_text("SUP-01")
    await page.click("form.session button")
    # Signed out at the provider too, the browser comes back to the front door's address.
    await page.wait_for_url(re.compile(rf"^{re.escape(served)}/(\?.*)?$"))
    await page.goto(f"{served}/test/layout")
    await expect(page.locator("#username")).to_be_visible()

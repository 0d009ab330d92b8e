"""The front door's own hardening (issue 11), on the real nginx with the repository's template:
security headers on every answer, refusals included, and a body limit before the services."""

from collections.abc import AsyncIterator

import httpx
import pytest

from chassis.testing import FrontDoor


@pytest.fixture
async def front_door() -> AsyncIterator[FrontDoor]:
    # No upstream listens: the front door's own answers (and its 502s) are under test.
    door = FrontDoor({})
    door.start()
    try:
        await door.wait_ready()
        yield door
    finally:
        door.stop()


@pytest.fixture
async def door(front_door: FrontDoor) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=front_door.url, timeout=10) as client:
        yield client


async def test_every_answer_carries_the_security_headers(
    door: httpx.AsyncClient, front_door: FrontDoor
) -> None:
    # Sign-out continues at the identity provider: the one other place a form may lead.
    provider = front_door.values["OIDC_ORIGIN"]
    assert provider.startswith("http://127.0.0.1:")
    for response in (await door.get("/readyz"), await door.get("/accounts/")):
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert "frame-ancestors 'none'" in policy
        assert f"form-action 'self' {provider};" in policy
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        # Plain HTTP here: HSTS is only sent over TLS.
        assert "strict-transport-security" not in response.headers


async def test_a_body_far_over_the_services_limit_is_cut_at_the_door(
    door: httpx.AsyncClient,
) -> None:
    response = await door.post("/api/v1/complaints/tickets", content=b"x" * (3 * 1024 * 1024))

    assert response.status_code == 413

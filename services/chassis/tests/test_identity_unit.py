"""The parts of identity that need no identity provider: claims to principal, return paths."""

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chassis.auth import (
    IdentitySettings,
    Principal,
    Role,
    Scope,
    TeamSettings,
    TokenVerifier,
    install_identity,
    managers_read_by,
    principal_from_claims,
    return_path,
    scope_of,
)
from chassis.errors import Forbidden, Unauthorized, Unavailable
from chassis.http import create_app
from chassis.testing import free_port


def test_claims_become_a_principal_with_rapports_roles_only() -> None:
    principal = principal_from_claims(
        {
            "sub": "f3c1",
            "preferred_username": "sup-01",
            "staff_id": "SUP-01",
            "roles": ["supervisor", "offline_access"],
            "groups": ["east", "/teams/south"],
        }
    )

    assert principal == Principal(
        user_id="SUP-01",
        username="sup-01",
        roles=frozenset({"supervisor"}),
        teams=frozenset({"east", "south"}),
        department=None,
        subject="f3c1",
    )
    assert principal.has_role("manager", "supervisor")
    assert not principal.has_role("admin")
    assert Principal.from_session(principal.to_session()) == principal


def test_a_machine_clients_user_id_is_its_username() -> None:
    principal = principal_from_claims({"sub": "9a", "preferred_username": "service-account-x"})

    assert (principal.user_id, principal.roles, principal.teams) == (
        "service-account-x",
        frozenset(),
        frozenset(),
    )


def test_malformed_role_claims_are_refused() -> None:
    with pytest.raises(Unauthorized):
        principal_from_claims({"sub": "9a", "roles": "admin"})


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/accounts/board?week=2026-W49", "/accounts/board?week=2026-W49"),
        (None, "/"),
        ("", "/"),
        ("https://elsewhere.example/", "/"),
        ("//elsewhere.example/", "/"),
        ("accounts", "/"),
        ("/\\elsewhere.example/", "/"),
        ("/accounts\n/", "/"),
    ],
)
def test_sign_in_returns_only_to_a_path_of_the_site(target: str | None, expected: str) -> None:
    assert return_path(target) == expected


async def test_a_provider_that_does_not_answer_is_a_503_not_a_401() -> None:
    # Nothing listens on a free port: the key set cannot be fetched.
    verifier = TokenVerifier(
        jwks_url=f"http://127.0.0.1:{free_port()}/certs",
        issuer="http://127.0.0.1/realms/rapport",
        audience="rapport",
        algorithms=("RS256",),
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode({"sub": "x"}, key, algorithm="RS256", headers={"kid": "k1"})

    with pytest.raises(Unavailable):
        await verifier.verify(token)


async def test_signing_in_while_the_provider_is_down_is_a_503() -> None:
    app = create_app(service="test", title="test", readiness_checks=[])
    issuer = f"http://127.0.0.1:{free_port()}/realms/rapport"
    install_identity(app, IdentitySettings(issuer=issuer), prefix="/test")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8080") as client:
        response = await client.get("/test/auth/login")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def staff(
    user_id: str, *roles: Role, teams: tuple[str, ...] = (), department: str | None = None
) -> Principal:
    return Principal(
        user_id=user_id,
        username=user_id.lower(),
        roles=frozenset(roles),
        teams=frozenset(teams),
        department=department,
        subject=user_id,
    )


TEAMS = {"east": ["AM-01", "AM-02"], "south": ["AM-04"]}


def test_a_manager_sees_their_own_accounts_only() -> None:
    scope = scope_of(staff("AM-01", "manager", teams=("east",)), TEAMS)

    assert scope == Scope(managers=frozenset({"AM-01"}), departments=frozenset())
    assert scope.covers("AM-01")
    assert not scope.covers("AM-02")
    assert not scope.covers(None)


def test_a_supervisor_sees_the_managers_of_their_teams() -> None:
    supervisor = scope_of(staff("SUP-01", "supervisor", teams=("east", "finance")), TEAMS)
    assert supervisor.managers == {"AM-01", "AM-02"}
    assert supervisor.teams == {"east"}
    lost = scope_of(staff("SUP-09", "supervisor", teams=("north",)), TEAMS)
    assert (lost.managers, lost.teams) == (set(), set())
    assert scope_of(staff("AM-01", "manager", teams=("east",)), TEAMS).teams == set()


def test_the_admin_reads_every_manager_s_records_anyone_else_their_scope_s() -> None:
    assert managers_read_by(staff("ADM-01", "admin"), TEAMS) is None
    assert managers_read_by(staff("SUP-02", "supervisor", teams=("south",)), TEAMS) == {"AM-04"}
    assert managers_read_by(staff("OPS-01", "ops"), TEAMS) == set()


def test_a_handler_sees_their_department_and_ops_and_admins_no_accounts() -> None:
    handler = scope_of(staff("QA-01", "complaint_handler", department="quality"), TEAMS)
    assert handler == Scope(managers=frozenset(), departments=frozenset({"quality"}))
    for principal in (staff("OPS-01", "ops"), staff("ADM-01", "admin")):
        assert scope_of(principal, TEAMS) == Scope(frozenset(), frozenset())


def test_teams_come_from_rapport_teams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAPPORT_TEAMS", '{"north": ["AM-09"]}')

    assert TeamSettings().teams == {"north": frozenset({"AM-09"})}


def test_a_principal_without_the_role_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        staff("AM-01", "manager").require("supervisor", "admin")
    staff("SUP-01", "supervisor").require("supervisor", "admin")

"""Whose figures a signed-in person reads (decision 0016, reporting), and what they see when
they do not choose."""

import pytest

from chassis.auth import Principal, Role
from chassis.errors import NotFound
from reporting.api.dependencies import caller_of

TEAMS = {"east": frozenset({"AM-01", "AM-02"}), "south": frozenset({"AM-04"})}


def principal(user_id: str, *roles: Role, teams: frozenset[str] = frozenset()) -> Principal:
    return Principal(
        user_id=user_id,
        username=user_id.lower(),
        roles=frozenset(roles),
        teams=teams,
        department=None,
        subject=f"sub-{user_id}",
    )


def test_a_manager_reads_their_own_figures_only() -> None:
    who = caller_of(principal("AM-01", "manager", teams=frozenset({"east"})), TEAMS)
    assert who.own_scope == "manager:AM-01"
    assert who.scope(None, TEAMS).label == "manager:AM-01"
    assert [who.may_read(s) for s in ("manager:AM-01", "manager:AM-02", "team:east")] == [
        True,
        False,
        False,
    ]
    assert not who.may_read("company")


def test_a_supervisor_reads_their_team_and_its_managers() -> None:
    who = caller_of(principal("SUP-01", "supervisor", teams=frozenset({"east"})), TEAMS)
    assert who.scope(None, TEAMS).label == "team:east"
    assert who.scope(None, TEAMS).managers == ("AM-01", "AM-02")
    assert who.may_read("manager:AM-02")
    assert not who.may_read("manager:AM-04")
    assert not who.may_read("team:south")
    assert not who.may_read("company")


def test_outside_ones_scope_is_not_found_the_same_for_a_team_that_exists_or_not() -> None:
    who = caller_of(principal("SUP-01", "supervisor", teams=frozenset({"east"})), TEAMS)
    codes = []
    for scope in ("team:south", "team:nowhere"):
        with pytest.raises(NotFound) as refused:
            who.scope(scope, TEAMS)
        codes.append(refused.value.code)
    assert codes == ["scope_not_found", "scope_not_found"]


def test_the_admin_reads_every_scope_and_the_company_by_default() -> None:
    who = caller_of(principal("ADM-01", "admin"), TEAMS)
    assert who.own_scope == "company"
    assert all(who.may_read(s) for s in ("company", "team:south", "manager:AM-99"))
    with pytest.raises(NotFound) as refused:
        who.scope("team:nowhere", TEAMS)
    assert refused.value.code == "team_not_found"

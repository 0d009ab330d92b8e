"""Whose accounts a signed-in person sees (decision 0016) and in which role they act."""

import pytest

from accounts.api.dependencies import caller_of
from chassis.auth import Principal, Role
from chassis.errors import Forbidden

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


def test_a_manager_sees_their_own_accounts_and_acts_as_manager() -> None:
    who = caller_of(principal("AM-01", "manager", teams=frozenset({"east"})), TEAMS)
    assert who.managers == {"AM-01"}
    assert (who.actor.user, who.actor.role) == ("AM-01", "manager")


def test_a_supervisor_sees_their_team_s_accounts_and_acts_as_supervisor() -> None:
    who = caller_of(principal("SUP-01", "supervisor", teams=frozenset({"east"})), TEAMS)
    assert who.managers == {"AM-01", "AM-02"}
    assert who.actor.role == "supervisor"
    who.require_covers("AM-02")
    with pytest.raises(Forbidden):
        who.require_covers("AM-04")


def test_the_admin_sees_every_account() -> None:
    who = caller_of(principal("ADM-01", "admin"), TEAMS)
    assert who.managers is None
    assert who.actor.role == "admin"
    who.require_covers("AM-04")


def test_someone_with_no_role_here_sees_no_account() -> None:
    who = caller_of(principal("CS-01", "complaint_handler"), TEAMS)
    assert who.managers == frozenset()
    assert not who.can("manager", "supervisor", "admin")

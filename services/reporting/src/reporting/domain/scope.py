"""Whose figures: one manager's accounts and work, a team's, or the whole company's."""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from chassis.errors import InvalidInput, NotFound, Problem
from chassis.messages import _

ScopeKind = Literal["company", "team", "manager"]


@dataclass(frozen=True)
class Scope:
    kind: ScopeKind
    id: str | None = None
    # The managers a team scope covers (empty for the company and a manager).
    managers: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return "company" if self.kind == "company" else f"{self.kind}:{self.id}"

    def covers_manager(self, manager: str | None) -> bool:
        if self.kind == "company":
            return True
        if self.kind == "manager":
            return manager == self.id
        return manager in self.managers


def parse_scope(text: str, teams: Mapping[str, Collection[str]]) -> Scope:
    """`company`, `manager:<staff id>` or `team:<team id>` (teams are configuration)."""
    if text == "company":
        return Scope("company")
    kind, _separator, ident = text.partition(":")
    if kind == "manager" and ident and len(ident) <= 64:
        return Scope("manager", ident)
    if kind == "team" and ident:
        if ident not in teams:
            raise NotFound(_("no team %(team)r") % {"team": ident}, code="team_not_found")
        return Scope("team", ident, tuple(sorted(teams[ident])))
    raise InvalidInput(
        _("scope %(scope)r is not company, manager:<id> or team:<id>") % {"scope": text},
        code="invalid_scope",
        details=[Problem("scope", _("unknown scope"))],
    )

"""Which managers each supervisor leads: the service's own team data, which agrees with the
realm's groups (decision 0016). Reads take the caller's `managers`: a team shows only its
members in scope, and a team with none of them is not found."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from chassis.auth import Managers
from chassis.db import managed_by
from engagement.adapters.tables import team_members


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set(self, team: str, *, supervisor: str, managers: Sequence[str]) -> None:
        """Replace the team's members."""
        await self._session.execute(team_members.delete().where(team_members.c.team == team))
        if managers:
            await self._session.execute(
                team_members.insert(),
                [
                    {"team": team, "manager": manager, "supervisor": supervisor}
                    for manager in sorted(set(managers))
                ],
            )

    async def members(self, team: str, *, managers: Managers) -> tuple[str | None, list[str]]:
        """The team's supervisor and its managers in scope (None and [] for an unknown team,
        or one with none of them in scope)."""
        rows = (
            await self._session.execute(
                select(team_members.c.supervisor, team_members.c.manager)
                .where(team_members.c.team == team, managed_by(team_members.c.manager, managers))
                .order_by(team_members.c.manager)
            )
        ).all()
        return (rows[0].supervisor if rows else None), [row.manager for row in rows]

    async def all(self, *, managers: Managers) -> dict[str, tuple[str, list[str]]]:
        """Each team with a member in scope: its supervisor and those members."""
        teams: dict[str, tuple[str, list[str]]] = {}
        rows = await self._session.execute(
            select(team_members)
            .where(managed_by(team_members.c.manager, managers))
            .order_by(team_members.c.team, team_members.c.manager)
        )
        for row in rows:
            teams.setdefault(row.team, (row.supervisor, []))[1].append(row.manager)
        return teams

"""Which managers each supervisor leads (until sign-in brings teams from the directory)."""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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

    async def members(self, team: str) -> tuple[str | None, list[str]]:
        """The team's supervisor and managers (None and [] for an unknown team)."""
        rows = (
            await self._session.execute(
                select(team_members.c.supervisor, team_members.c.manager)
                .where(team_members.c.team == team)
                .order_by(team_members.c.manager)
            )
        ).all()
        return (rows[0].supervisor if rows else None), [row.manager for row in rows]

    async def all(self) -> dict[str, tuple[str, list[str]]]:
        teams: dict[str, tuple[str, list[str]]] = {}
        rows = await self._session.execute(
            select(team_members).order_by(team_members.c.team, team_members.c.manager)
        )
        for row in rows:
            teams.setdefault(row.team, (row.supervisor, []))[1].append(row.manager)
        return teams

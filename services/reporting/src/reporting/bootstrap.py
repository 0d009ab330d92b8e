"""Composition root: settings, engine, sessions, clock and the unit of work."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chassis.auth import TeamSettings
from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory
from reporting.config import ReportingSettings
from reporting.service_layer.unit_of_work import ReportingUnitOfWork


@dataclass
class Reporting:
    """Everything the entrypoints need, built once per process."""

    settings: ReportingSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)
    # Team name to its managers' staff ids (`RAPPORT_TEAMS`): the team scopes, and whose
    # figures a supervisor reads (decision 0016).
    teams: dict[str, frozenset[str]] = field(default_factory=lambda: TeamSettings().teams)

    def uow(self) -> ReportingUnitOfWork:
        return ReportingUnitOfWork(self.session_factory)

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def bootstrap(
    settings: ReportingSettings | None = None,
    clock: Clock | None = None,
) -> Reporting:
    settings = settings or ReportingSettings()
    engine = create_engine(settings)
    return Reporting(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
    )

"""Composition root: settings, engine, sessions, clock and the unit of work."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chassis.auth import TeamSettings
from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory
from complaints.config import ComplaintsSettings
from complaints.service_layer.handlers import SlaSettings
from complaints.service_layer.unit_of_work import ComplaintsUnitOfWork


@dataclass
class Complaints:
    """Everything the entrypoints need, built once per process."""

    settings: ComplaintsSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)
    # The teams' managers (RAPPORT_TEAMS): whose tickets a supervisor sees.
    teams: dict[str, frozenset[str]] = field(default_factory=lambda: TeamSettings().teams)

    @property
    def sla(self) -> SlaSettings:
        return SlaSettings(
            ops_escalation_after=self.settings.ops_escalation_after,
            repeat_window=self.settings.repeat_window,
            stage_ahead=self.settings.stage_ahead,
        )

    def uow(self) -> ComplaintsUnitOfWork:
        return ComplaintsUnitOfWork(self.session_factory)

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def bootstrap(settings: ComplaintsSettings | None = None, clock: Clock | None = None) -> Complaints:
    settings = settings or ComplaintsSettings()
    engine = create_engine(settings)
    return Complaints(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
    )

"""Composition root: settings, engine, sessions, clock and the unit of work."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory
from engagement.config import EngagementSettings
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


@dataclass
class Engagement:
    """Everything the entrypoints need, built once per process."""

    settings: EngagementSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)

    def uow(self) -> EngagementUnitOfWork:
        return EngagementUnitOfWork(self.session_factory)

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def bootstrap(
    settings: EngagementSettings | None = None,
    clock: Clock | None = None,
) -> Engagement:
    settings = settings or EngagementSettings()
    engine = create_engine(settings)
    return Engagement(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
    )

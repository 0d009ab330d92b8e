"""Composition root: settings, engine, sessions, clock, policy and the unit of work."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from accounts.config import AccountsSettings
from accounts.domain.classification import ClassificationPolicy
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory


@dataclass
class Accounts:
    """Everything the entrypoints need, built once per process."""

    settings: AccountsSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)

    @property
    def policy(self) -> ClassificationPolicy:
        return ClassificationPolicy(
            value_high=self.settings.value_high_threshold,
            value_medium=self.settings.value_medium_threshold,
            frequency_high=self.settings.frequency_high_threshold,
            frequency_medium=self.settings.frequency_medium_threshold,
        )

    def uow(self) -> AccountsUnitOfWork:
        return AccountsUnitOfWork(self.session_factory)

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def bootstrap(settings: AccountsSettings | None = None, clock: Clock | None = None) -> Accounts:
    settings = settings or AccountsSettings()
    engine = create_engine(settings)
    return Accounts(
        settings=settings,
        engine=engine,
        session_factory=create_session_factory(engine),
        clock=clock or SystemClock(),
    )

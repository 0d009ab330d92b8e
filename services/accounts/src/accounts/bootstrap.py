"""Composition root: settings, engine, sessions, clock, rules and the unit of work."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from accounts.config import AccountsSettings
from accounts.domain.cards import CardPolicy
from accounts.domain.lifecycle import LifecyclePolicy
from accounts.domain.privacy import PrivacyRules
from accounts.domain.tier_policy import TierPolicy
from accounts.service_layer.evaluation import EvaluationRules
from accounts.service_layer.unit_of_work import AccountsUnitOfWork
from chassis.auth import TeamSettings
from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory


def evaluation_rules(settings: AccountsSettings) -> EvaluationRules:
    return EvaluationRules(
        currency=settings.currency,
        default_policy=TierPolicy(
            version=1,
            value_high=settings.value_high_threshold,
            value_medium=settings.value_medium_threshold,
            frequency_high=settings.frequency_high_threshold,
            frequency_medium=settings.frequency_medium_threshold,
        ),
        lifecycle=LifecyclePolicy(
            new_days=settings.lifecycle_new_days,
            at_risk_interval_multiplier=settings.lifecycle_at_risk_interval_multiplier,
            at_risk_default_days=settings.lifecycle_at_risk_default_days,
            min_orders_for_interval=settings.lifecycle_min_orders_for_interval,
            dormant_months=settings.lifecycle_dormant_months,
        ),
        cards=CardPolicy(
            stale_days=settings.card_stale_days,
            key_account_stale_days=settings.card_stale_key_account_days,
        ),
        recent_orders=settings.lifecycle_interval_orders,
        abc_refresh_delay=timedelta(seconds=settings.abc_refresh_delay_seconds),
        chunk_size=settings.evaluation_chunk_size,
    )


@dataclass
class Accounts:
    """Everything the entrypoints need, built once per process."""

    settings: AccountsSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    clock: Clock = field(default_factory=SystemClock)
    # Team name to its account managers' staff ids: a supervisor's scope (decision 0016).
    teams: dict[str, frozenset[str]] = field(default_factory=lambda: TeamSettings().teams)

    @property
    def rules(self) -> EvaluationRules:
        return evaluation_rules(self.settings)

    @property
    def privacy(self) -> PrivacyRules:
        settings = self.settings
        return PrivacyRules(
            services=settings.erasure_services,
            dormant_after=timedelta(days=settings.anonymise_dormant_after_days),
            sweep_every=timedelta(hours=settings.dormant_sweep_hours),
            sweep_batch=settings.dormant_sweep_batch,
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

"""Composition root: settings, engine, sessions, clock and the unit of work."""

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from chassis.auth import ClientCredentials, IdentitySettings, TeamSettings
from chassis.clock import Clock, SystemClock
from chassis.db import create_engine, create_session_factory
from engagement.adapters.card_names import AccountsCards
from engagement.config import EngagementSettings
from engagement.domain.follow_ups import FirstOrderStep
from engagement.domain.targets import DayWeights
from engagement.service_layer.planning import PlanSettings
from engagement.service_layer.unit_of_work import EngagementUnitOfWork


@dataclass
class Engagement:
    """Everything the entrypoints need, built once per process."""

    settings: EngagementSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    # Contact names for the pages, from accounts' HTTP API.
    cards: AccountsCards
    clock: Clock = field(default_factory=SystemClock)
    # Each team's managers (RAPPORT_TEAMS): whose records a supervisor may see.
    teams: dict[str, frozenset[str]] = field(default_factory=lambda: TeamSettings().teams)

    @property
    def plan(self) -> PlanSettings:
        settings = self.settings
        meeting = settings.annual_meeting
        return PlanSettings(
            time_zone=settings.zone,
            first_order_steps={
                "first_order_3d": FirstOrderStep(
                    days=settings.first_order_3d_days,
                    window_days=settings.first_order_3d_window_days,
                ),
                "first_order_3w": FirstOrderStep(
                    weeks=settings.first_order_3w_weeks,
                    window_days=settings.first_order_3w_window_days,
                ),
                "first_order_3m": FirstOrderStep(
                    months=settings.first_order_3m_months,
                    window_days=settings.first_order_3m_window_days,
                ),
            },
            complaint_follow_up_working_days=self.settings.complaint_follow_up_working_days,
            retention_within_days=self.settings.retention_within_days,
            win_back_within_days=self.settings.win_back_within_days,
            care_lead_days=self.settings.care_lead_days,
            annual_meeting=(int(meeting[:2]), int(meeting[3:])) if meeting else None,
            annual_meeting_invite_weeks=self.settings.annual_meeting_invite_weeks,
            next_step_window_days=self.settings.next_step_window_days,
            manual_window_days=self.settings.manual_window_days,
        )

    @property
    def weights(self) -> DayWeights:
        return DayWeights(
            weekday=self.settings.target_weekday_weight,
            saturday=self.settings.target_saturday_weight,
            sunday=self.settings.target_sunday_weight,
        )

    def uow(self) -> EngagementUnitOfWork:
        return EngagementUnitOfWork(self.session_factory)

    async def check_database(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.cards.aclose()
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
        cards=AccountsCards(
            base_url=settings.accounts_api_url,
            timeout_seconds=settings.accounts_api_timeout_seconds,
            auth=ClientCredentials(
                token_url=IdentitySettings().token_url,
                client_id=settings.accounts_client_id,
                client_secret=settings.accounts_client_secret,
                timeout_seconds=settings.accounts_api_timeout_seconds,
            ),
        ),
        clock=clock or SystemClock(),
    )

"""The API process: JSON API, pages, health and metrics. `python -m engagement.entrypoints.api`."""

import uvicorn
from fastapi import FastAPI

from chassis.auth import IdentitySettings, install_identity
from chassis.http import create_app
from chassis.logging import configure_logging
from chassis.web import mount_static
from engagement.api.routes import router as api_router
from engagement.bootstrap import Engagement, bootstrap
from engagement.config import EngagementSettings
from engagement.ui.pages import STATIC_PREFIX
from engagement.ui.pages import router as pages_router


def create(app_state: Engagement | None = None) -> FastAPI:
    app_state = app_state or bootstrap()
    app = create_app(
        service="engagement",
        title="Rapport engagement",
        readiness_checks=[app_state.check_database],
        on_shutdown=app_state.dispose,
        routers=[api_router, pages_router],
    )
    app.state.engagement = app_state
    install_identity(app, IdentitySettings(), prefix="/engagement")
    mount_static(app, static_prefix=STATIC_PREFIX)
    return app


def main() -> None:
    settings = EngagementSettings()
    configure_logging("engagement-api", settings.log_level)
    uvicorn.run(
        create(bootstrap(settings)),
        host=settings.bind_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()

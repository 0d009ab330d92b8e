"""The API process: JSON API, pages, health and metrics. `python -m reporting.entrypoints.api`."""

import uvicorn
from fastapi import FastAPI

from chassis.auth import IdentitySettings, install_identity
from chassis.http import create_app
from chassis.logging import configure_logging
from chassis.web import mount_static
from reporting.api.routes import router as api_router
from reporting.bootstrap import Reporting, bootstrap
from reporting.config import ReportingSettings
from reporting.ui.pages import STATIC_PREFIX
from reporting.ui.pages import router as pages_router


def create(app_state: Reporting | None = None) -> FastAPI:
    app_state = app_state or bootstrap()
    app = create_app(
        service="reporting",
        title="Rapport reporting",
        readiness_checks=[app_state.check_database],
        on_shutdown=app_state.dispose,
        routers=[api_router, pages_router],
    )
    app.state.reporting = app_state
    install_identity(app, IdentitySettings(), prefix="/reporting")
    mount_static(app, static_prefix=STATIC_PREFIX)
    return app


def main() -> None:
    settings = ReportingSettings()
    configure_logging("reporting-api", settings.log_level)
    uvicorn.run(
        create(bootstrap(settings)),
        host=settings.bind_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()

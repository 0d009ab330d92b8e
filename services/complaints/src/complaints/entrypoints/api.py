"""The API process: JSON API, pages, health and metrics. `python -m complaints.entrypoints.api`."""

import uvicorn
from fastapi import FastAPI

from chassis.auth import IdentitySettings, install_identity
from chassis.http import create_app
from chassis.logging import configure_logging
from chassis.web import mount_static
from complaints.api.routes import router as api_router
from complaints.bootstrap import Complaints, bootstrap
from complaints.config import ComplaintsSettings
from complaints.ui.pages import STATIC_PREFIX
from complaints.ui.pages import router as pages_router


def create(complaints: Complaints | None = None) -> FastAPI:
    app_state = complaints or bootstrap()

    app = create_app(
        service="complaints",
        title="Rapport complaints",
        readiness_checks=[app_state.check_database],
        on_shutdown=app_state.dispose,
        routers=[api_router, pages_router],
    )
    app.state.complaints = app_state
    install_identity(app, IdentitySettings(), prefix="/complaints")
    mount_static(app, static_prefix=STATIC_PREFIX)
    return app


def main() -> None:
    settings = ComplaintsSettings()
    configure_logging("complaints-api", settings.log_level)
    uvicorn.run(
        create(bootstrap(settings)),
        host=settings.bind_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()

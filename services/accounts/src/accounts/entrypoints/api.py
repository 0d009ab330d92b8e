"""The API process: JSON API, pages, health and metrics. `python -m accounts.entrypoints.api`."""

import uvicorn
from fastapi import FastAPI

from accounts.api.policies import router as policies_router
from accounts.api.privacy import router as privacy_router
from accounts.api.reports import router as reports_router
from accounts.api.routes import router as api_router
from accounts.api.vip import router as vip_router
from accounts.bootstrap import Accounts, bootstrap
from accounts.config import AccountsSettings
from accounts.ui.pages import STATIC_PREFIX
from accounts.ui.pages import router as pages_router
from accounts.ui.policy_pages import router as policy_pages_router
from accounts.ui.privacy_pages import router as privacy_pages_router
from accounts.ui.report_pages import router as report_pages_router
from accounts.ui.vip_pages import router as vip_pages_router
from chassis.auth import IdentitySettings, install_identity
from chassis.http import create_app
from chassis.logging import configure_logging
from chassis.web import mount_static


def create(accounts: Accounts | None = None) -> FastAPI:
    app_state = accounts or bootstrap()

    app = create_app(
        service="accounts",
        title="Rapport accounts",
        readiness_checks=[app_state.check_database],
        on_shutdown=app_state.dispose,
        # The fixed paths (tier-policies, vip-...) come before /api/v1/accounts/{account_id}.
        routers=[
            policies_router,
            privacy_router,
            reports_router,
            vip_router,
            api_router,
            policy_pages_router,
            privacy_pages_router,
            report_pages_router,
            vip_pages_router,
            pages_router,
        ],
    )
    app.state.accounts = app_state
    install_identity(app, IdentitySettings(), prefix="/accounts")
    mount_static(app, static_prefix=STATIC_PREFIX)
    return app


def main() -> None:
    settings = AccountsSettings()
    configure_logging("accounts-api", settings.log_level)
    uvicorn.run(
        create(bootstrap(settings)),
        host=settings.bind_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )


if __name__ == "__main__":
    main()

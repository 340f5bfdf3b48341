"""The web application: `create_app()` wires middleware, assets, pages and error pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware
from starlette.staticfiles import StaticFiles

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.settings import REPO_ROOT, Settings, get_settings
from dfr.web.auth import local_secret
from dfr.web.errors import LastResort, add_error_pages
from dfr.web.limits import BodyLimit
from dfr.web.routes import account, api, home, overview, review, submissions, submit
from dfr.web.security import SecurityHeaders
from dfr.web.templating import TEMPLATES
from models.db import default_engine, refresh_statistics

GOVUK_FRONTEND = REPO_ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
SESSION_LIFETIME = timedelta(hours=8)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not (GOVUK_FRONTEND / "govuk-frontend.min.css").exists():
        raise DfrError(_("GOV.UK Frontend is not installed; run `make env` (it runs npm ci)."))
    refresh_statistics(default_engine())  # pages plan their queries on fresh statistics
    app = FastAPI(title="Digital-first review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/assets", StaticFiles(directory=GOVUK_FRONTEND / "assets"), name="assets")
    app.mount("/static/govuk", StaticFiles(directory=GOVUK_FRONTEND), name="govuk")
    app.mount("/static/app", StaticFiles(directory=TEMPLATES.parent / "static"), name="app")
    for module in (account, home, submit, submissions, review, overview, api):
        app.include_router(module.router)
    add_error_pages(app)
    # Innermost first: the body limit and the last resort answer inside the session (their
    # pages need it) and the security headers (every response carries them).
    app.add_middleware(BodyLimit)
    app.add_middleware(LastResort)
    app.add_middleware(
        SessionMiddleware,
        secret_key=local_secret(settings, settings.web_session_secret, "web-session-secret"),
        session_cookie="dfr_session",
        max_age=int(SESSION_LIFETIME.total_seconds()),
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    # Outermost: every response, error pages included, carries the security headers.
    app.add_middleware(
        SecurityHeaders, default_language=settings.language, https=settings.secure_cookies
    )
    return app

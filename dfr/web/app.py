"""The web application: `create_app()` wires middleware, assets, pages and error pages."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.keys import audit_key
from dfr.paths import resource
from dfr.settings import Settings, get_settings
from dfr.web.auth import demo_password
from dfr.web.errors import LastResort, add_error_pages
from dfr.web.limits import BodyLimit
from dfr.web.request_ids import RequestIds
from dfr.web.routes import (
    account,
    actions,
    api,
    assessment,
    assessment_ratings,
    assessment_report,
    cover,
    find,
    home,
    information,
    overview,
    progress,
    reassign,
    register,
    register_api,
    register_entry,
    register_links,
    register_links_api,
    register_priorities,
    register_upload,
    report_api,
    report_publication,
    report_response,
    reports,
    review,
    submissions,
    submit,
)
from dfr.web.security import SecurityHeaders
from dfr.web.sessions import ServerSessions
from models.db import default_engine, refresh_statistics
from services.sign_in import refuse_weak_demo_password

# What the pages use of the govuk-frontend npm package: its CSS, JS, fonts and images.
GOVUK_FRONTEND = resource("node_modules", "govuk-frontend", "dist", "govuk")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    if not (GOVUK_FRONTEND / "govuk-frontend.min.css").exists():
        raise DfrError(_("GOV.UK Frontend is not installed; run `make env` (it runs npm ci)."))
    audit_key(settings)  # refuse to start in production without DFR_AUDIT_KEY
    if settings.web_auth == "demo":
        refuse_weak_demo_password(demo_password(settings))
    refresh_statistics(default_engine())  # pages plan their queries on fresh statistics
    app = FastAPI(title="Digital-first review", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/assets", StaticFiles(directory=GOVUK_FRONTEND / "assets"), name="assets")
    app.mount("/static/govuk", StaticFiles(directory=GOVUK_FRONTEND), name="govuk")
    app.mount("/static/app", StaticFiles(packages=[("dfr.web", "static")]), name="app")
    # A request tries each router in turn (~2-7 us each): the busiest signed-in pages (the
    # work list, the DG overview) come first. Their paths (/work, /dg/{code}) are no other
    # router's, so the order changes no page.
    for module in (
        home,
        overview,
        account,
        information,
        register,
        register_upload,
        register_priorities,
        register_links,
        register_entry,
        register_links_api,
        register_api,
        progress,
        reports,
        report_publication,
        submit,
        submissions,
        actions,
        assessment,
        assessment_ratings,
        report_response,  # before assessment_report: its /{language} would take /challenge
        assessment_report,
        review,
        reassign,
        cover,
        find,
        api,
        report_api,
    ):
        app.include_router(module.router)
    add_error_pages(app)
    # Innermost first: the body limit and the last resort answer inside the session (their
    # pages need it) and the security headers (every response carries them).
    app.add_middleware(BodyLimit)
    app.add_middleware(LastResort)
    app.add_middleware(ServerSessions, settings=settings)
    # Outermost: every response, error pages included, carries the security headers.
    app.add_middleware(
        SecurityHeaders, default_language=settings.language, https=settings.secure_cookies
    )
    # …and, outermost, a request id that every log record about the request carries.
    app.add_middleware(RequestIds, trust_proxy=settings.web_auth == "header")
    return app

"""The web application: `create_app()` wires middleware, assets, pages and error pages."""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.staticfiles import StaticFiles

from dfr.errors import DfrError, NotFoundError, PermissionDeniedError
from dfr.i18n import _
from dfr.keys import audit_key
from dfr.paths import resource
from dfr.request_id import current_request_id
from dfr.settings import Settings, get_settings
from dfr.web.auth import SignInRequired, demo_password
from dfr.web.request_ids import RequestIds
from dfr.web.routes import (
    account,
    api,
    home,
    overview,
    reassign,
    review,
    submissions,
    submit,
)
from dfr.web.security import SecurityHeaders
from dfr.web.sessions import ServerSessions
from dfr.web.templating import render
from models.db import default_engine, refresh_statistics
from services.sign_in import refuse_weak_demo_password

log = logging.getLogger("dfr.web")

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
    for module in (account, home, submit, submissions, review, reassign, overview, api):
        app.include_router(module.router)
    _add_error_pages(app)
    app.add_middleware(ServerSessions, settings=settings)
    # Outermost: every response, error pages included, carries the security headers.
    app.add_middleware(
        SecurityHeaders, default_language=settings.language, https=settings.secure_cookies
    )
    # …and, outermost, a request id that every log record about the request carries.
    app.add_middleware(RequestIds, trust_proxy=settings.web_auth == "header")
    return app


def _add_error_pages(app: FastAPI) -> None:
    def page(request: Request, status: int, title: str, message: str) -> Response:
        return render(request, "error.html", status, title=title, message=message)

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc: Exception) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: Exception) -> Response:
        return page(request, 404, _("Page not found"), str(getattr(exc, "message", "")))

    @app.exception_handler(PermissionDeniedError)
    async def refused(request: Request, exc: Exception) -> Response:
        return page(request, 403, _("You cannot do that"), str(getattr(exc, "message", "")))

    @app.exception_handler(DfrError)
    async def user_error(request: Request, exc: Exception) -> Response:
        return page(request, 400, _("There is a problem"), str(getattr(exc, "message", "")))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return page(request, 404, _("Page not found"), _("Check the web address is correct."))
        return page(request, status, _("There is a problem"), _("The request was not valid."))

    @app.exception_handler(Exception)
    async def internal(request: Request, _exc: Exception) -> Response:
        # The request id: the one in the response's X-Request-Id header and in the log.
        incident = current_request_id() or uuid.uuid4().hex[:8]
        log.exception("internal error %s on %s %s", incident, request.method, request.url.path)
        return page(
            request,
            500,
            _("Sorry, there is a problem with the service"),
            _("Internal error (id {id}). Nothing was changed; please report the id.", id=incident),
        )

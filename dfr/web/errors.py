"""What a person or a program is told when a request goes wrong: a GOV.UK error page for pages,
RFC 9457 problem details (`application/problem+json`) for the API under /api/. Both are in the
reader's language, never echo a body back, never show a traceback, and pass through the
security headers like any other response.

Deny by default: a path id that cannot name a row (not an integer, or out of the database's
range) is told exactly what a missing id is told, in the service's own words.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from dfr.errors import DfrError, NotFoundError, PermissionDeniedError
from dfr.i18n import _, get_language
from dfr.request_id import current_request_id
from dfr.web.auth import SignInRequired
from dfr.web.middleware import HttpMiddleware, NotingStart
from dfr.web.templating import render
from services.access import not_found as submission_not_found
from services.drafts import draft_not_found

log = logging.getLogger("dfr.web")

API_PREFIX = "/api/"
PROBLEM_JSON = "application/problem+json"
# What a path naming no row is told, in its outermost thing's words: the same for an id past the
# database's range, for `1e3`, and for a missing (or hidden) submission, draft or review.
_MISSING: dict[str, Callable[[str], NotFoundError]] = {
    "submission_id": submission_not_found,
    "draft_id": draft_not_found,
}
_SHOWN_ID = 32  # at most this much of an impossible id is put back on the page


def _title(status: int) -> str:
    """The status's phrase in the reader's language (RFC 9457 §4.2.1: `about:blank` problems
    take the status phrase as their title, which may be localised)."""
    titles = {
        400: _("Bad request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        413: _("Content too large"),
        415: _("Unsupported media type"),
        422: _("Unprocessable content"),
        500: _("Internal server error"),
    }
    return titles.get(status) or _("There is a problem")


def problem(
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    errors: list[dict[str, str]] | None = None,
) -> JSONResponse:
    """RFC 9457 problem details: `type`, `title`, `status` and `detail` (what was wrong and how
    to put it right, in the reader's language); for wrong fields, `errors` (an extension
    member, as RFC 9457 §3 shows one) lists each: `{"field": …, "detail": …}`."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Content-Language": get_language(), **(headers or {})},
    )


def for_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def refusal(
    request: Request,
    status: int,
    message: str,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    link: tuple[str, str] | None = None,
) -> Response:
    """`message` as a problem for the API, as an error page (headed `title`) for a page; `link`
    (address, text) offers the page's reader a way on."""
    if for_api(request):
        return problem(status, message, headers)
    page = render(
        request,
        "error.html",
        status,
        title=title or _("There is a problem"),
        message=message,
        link=link,
    )
    page.headers.update(headers or {})
    return page


def not_found_page(request: Request, exc: NotFoundError) -> Response:
    return refusal(request, 404, exc.message, _("Page not found"))


def _impossible_id(request: Request, exc: RequestValidationError) -> NotFoundError | None:
    """The "not found" for a path with an id that cannot name a row, if it has one. A review's
    task id is answered as its submission is to someone who may not see it."""
    if not any(tuple(error.get("loc", ()))[:1] == ("path",) for error in exc.errors()):
        return None
    for name, missing in _MISSING.items():
        if name in request.path_params:
            raw = str(request.path_params[name])
            return missing(raw if len(raw) <= _SHOWN_ID else raw[:_SHOWN_ID] + "…")
    return None


def internal_error(request: Request) -> Response:
    """Something unexpected: logged with an incident id that the reader is given."""
    incident = current_request_id() or uuid.uuid4().hex[:8]
    log.exception("internal error %s on %s %s", incident, request.method, request.url.path)
    message = _("Internal error (id {id}). Nothing was changed; please report the id.", id=incident)
    try:
        return refusal(request, 500, message, _("Sorry, there is a problem with the service"))
    except Exception:  # the error page itself failed: say so plainly, still without details
        log.exception("the error page for incident %s failed", incident)
        return PlainTextResponse(message, status_code=500)


def add_error_pages(app: FastAPI) -> None:
    """Each error a request can meet, as a page or a problem."""

    @app.exception_handler(SignInRequired)
    async def sign_in_first(request: Request, _exc: Exception) -> Response:
        if for_api(request):
            return problem(401, _("Sign in first (or send the identity header in production)."))
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={target}", status_code=303)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, NotFoundError)
        return not_found_page(request, exc)

    @app.exception_handler(PermissionDeniedError)
    async def refused(request: Request, exc: Exception) -> Response:
        return refusal(request, 403, str(getattr(exc, "message", "")), _("You cannot do that"))

    @app.exception_handler(DfrError)
    async def user_error(request: Request, exc: Exception) -> Response:
        return refusal(request, 400, str(getattr(exc, "message", "")))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        missing = _impossible_id(request, exc)
        if missing is not None:
            return not_found_page(request, missing)
        return refusal(request, 400, _("The request was not valid."))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return refusal(
                request, 404, _("Check the web address is correct."), _("Page not found")
            )
        if status == 405:
            return refusal(request, 405, _("This address does not take that kind of request."))
        return refusal(request, status, _("The request was not valid."))


class LastResort(HttpMiddleware):
    """Pure ASGI middleware, inside the security headers and the session: anything unexpected
    is answered with the internal-error page (or problem) instead of escaping to the server,
    which would skip the security headers and drop the connection."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        sending = NotingStart(send)
        try:
            await self.app(scope, receive, sending)
        except Exception:
            if sending.started:  # too late to answer otherwise; the server closes the connection
                raise
            await internal_error(Request(scope, receive))(scope, receive, send)

"""Security headers (with a per-request CSP nonce and a request id), the page language, and
the CSRF check (the token is the session's, `dfr.web.sessions`)."""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dfr.errors import PermissionDeniedError
from dfr.i18n import _, set_language
from dfr.settings import Language
from dfr.web.middleware import HttpMiddleware

LANGUAGE_COOKIE = "dfr_lang"
# What may hold someone's data, so is never cached (assets may be).
PRIVATE_TYPES = ("text/html", "application/json", "application/problem+json")


def content_security_policy(nonce: str) -> str:
    # Only our own assets; the one inline script (GOV.UK's js-enabled switch) carries the nonce.
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


class SecurityHeaders(HttpMiddleware):
    """Pure ASGI middleware: a nonce per request, the page language, and the security headers."""

    def __init__(self, app: ASGIApp, *, default_language: Language, https: bool) -> None:
        super().__init__(app)
        self.default_language = default_language
        self.https = https

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        nonce = secrets.token_urlsafe(16)
        # The request id (state and X-Request-Id) is set by `dfr.web.request_ids.RequestIds`.
        scope.setdefault("state", {}).update(csp_nonce=nonce)
        set_language(language_of(Request(scope), self.default_language))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                # A page that brings its own, stricter policy keeps it: a published progress
                # report's document allows nothing but its own style (dfr.web.routes.progress).
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = content_security_policy(nonce)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["X-Frame-Options"] = "DENY"
                headers["Referrer-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                if self.https:
                    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
                if headers.get("content-type", "").startswith(PRIVATE_TYPES):
                    headers["Cache-Control"] = "no-store"  # pages, API answers and problems
            await send(message)

        await self.app(scope, receive, send_with_headers)


def language_of(request: Request, default: Language) -> Language:
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in ("cy", "en") else default  # type: ignore[return-value]


def check_csrf(expected: str | None, submitted: object) -> None:
    """Refuse a form whose token is not its session's (`expected`; None: no session)."""
    if (
        not isinstance(expected, str)
        or not isinstance(submitted, str)
        or not secrets.compare_digest(expected, submitted)
    ):
        raise PermissionDeniedError(
            _(
                "This form has expired or did not come from this service. Go back, reload the "
                "page and try again."
            )
        )

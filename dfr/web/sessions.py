"""The browser's side of a session (`services.web_sessions` keeps the rest): a cookie holding
an opaque random token, set only when the session starts or changes, never on every response.

A request's session is read on first use (a page with a form, a signed-in page), so assets and
the JSON API never touch the table. In header mode the session belongs to the identity the
proxy's header carried when it started: when the header names someone else, that session is
not theirs (its CSRF token fails) and they get their own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dfr.settings import Settings
from dfr.web.middleware import HttpMiddleware
from models.db import session_scope
from services.access import Actor
from services.visits import open_visit, signed_in_actor
from services.web_sessions import (
    LiveSession,
    SessionPolicy,
    end_session,
    open_session,
    start_session,
)

COOKIE = "dfr_session"


def now() -> datetime:
    """The clock sessions and sign-in read (tests move it instead of sleeping)."""
    return datetime.now(UTC)


class BrowserSession:
    """One request's view of its browser's session: found, started, replaced or ended."""

    def __init__(
        self, token: str | None, identity: str | None, header_mode: bool, policy: SessionPolicy
    ) -> None:
        self.token = token
        self.identity = identity  # header mode: who the proxy says this is
        self.header_mode = header_mode
        self.policy = policy
        self._live: LiveSession | None = None
        self._read = False
        self._foreign = False
        self.cookie: Literal["keep", "set", "clear"] = "keep"

    def current(self) -> LiveSession | None:
        """The session in force for this request, or None."""
        if not self._read:
            live = open_session(self.token, now(), self.policy) if self.token else None
            foreign = live is not None and self.header_mode and live.person_id != self.identity
            self._opened(None if foreign else live, foreign)
        return self._live

    def visitor(self) -> Actor | None:
        """Who is signed in (the session's person, or in header mode the header's), or None;
        read with the session in one transaction when the session has not been read yet. In
        header mode the session is not read for this: the header names the person, and the
        session (a form's CSRF token) is read only by a page that has a form."""
        if self._read or self.header_mode:  # a form asked for the session first, or no need
            return signed_in_actor(self._live, header_mode=self.header_mode, identity=self.identity)
        visit = open_visit(self.token, now(), self.policy)
        self._opened(visit.live, False)
        return visit.actor

    def _opened(self, live: LiveSession | None, foreign: bool) -> None:
        self._live, self._read, self._foreign = live, True, foreign
        if live is None and self.token:
            self.cookie = "clear"

    def csrf_token(self) -> str:
        """This session's CSRF token; a session is started for a browser without one."""
        live = self.current()
        if live is None:
            with session_scope() as session:
                live = start_session(
                    session,
                    now=now(),
                    policy=self.policy,
                    person_id=self.identity if self.header_mode else None,
                    # An ended session's row goes; another identity's is not ours to end.
                    replacing=None if self._foreign else self.token,
                )
            self.replace(live)
        return live.csrf_token

    def replace(self, live: LiveSession) -> None:
        """The browser now holds `live` (started at sign-in, say): its cookie is set."""
        self._live, self._read, self.cookie = live, True, "set"

    def end(self) -> None:
        """Sign-out: the session ends and its cookie is cleared."""
        if self.token:
            with session_scope() as session:
                end_session(session, self.token)
        self._live, self._read, self.cookie = None, True, "clear"


class ServerSessions(HttpMiddleware):
    """Pure ASGI middleware: gives each request a BrowserSession (`browser_session()`), and
    sets or clears the cookie when the session started, changed or ended."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        super().__init__(app)
        self.header_mode = settings.web_auth == "header"
        self.identity_header = settings.web_identity_header
        self.policy = SessionPolicy.from_settings(settings)
        self.secure = settings.secure_cookies

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection = HTTPConnection(scope)
        identity = connection.headers.get(self.identity_header, "").strip() or None
        browser = BrowserSession(
            connection.cookies.get(COOKIE), identity, self.header_mode, self.policy
        )
        scope.setdefault("state", {})["browser_session"] = browser

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and browser.cookie != "keep":
                headers = MutableHeaders(scope=message)
                headers.append("Set-Cookie", self._cookie(browser))
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _cookie(self, browser: BrowserSession) -> str:
        response = Response()
        live = browser.current()
        if browser.cookie == "set" and live is not None:
            response.set_cookie(
                COOKIE,
                live.token,
                max_age=int(self.policy.lifetime.total_seconds()),
                httponly=True,
                samesite="lax",
                secure=self.secure,
            )
        else:
            response.delete_cookie(COOKIE, httponly=True, samesite="lax", secure=self.secure)
        return response.headers["set-cookie"]


def browser_session(connection: HTTPConnection) -> BrowserSession:
    """The request's session (ServerSessions put it there)."""
    found = connection.scope.get("state", {}).get("browser_session")
    if not isinstance(found, BrowserSession):
        raise RuntimeError("ServerSessions middleware is not installed")
    return found

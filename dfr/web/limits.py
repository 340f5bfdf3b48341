"""How much of a request body the service reads: at most MAX_BODY bytes, for every route (the
JSON API and the forms alike). A declared `Content-Length` over it is refused before a byte is
read; a body without one (chunked) is cut off as soon as it passes it. Either way the answer is
413 and the connection is closed, so the rest of the body is never read either."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dfr.i18n import _
from dfr.web.errors import refusal
from dfr.web.middleware import HttpMiddleware, NotingStart

# A submission document is a few KB; the largest form (a submission's summaries) under 40 KB.
MAX_BODY = 256 * 1024


class BodyTooLarge(Exception):
    """The body went past MAX_BODY while being read."""


def _declared_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length", "")
    return int(value) if value.isdigit() else None


class BodyLimit(HttpMiddleware):
    """Pure ASGI middleware, inside the session (a refusal page needs it) and the security
    headers: counts what the application receives and refuses a body past `limit`."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY) -> None:
        super().__init__(app)
        self.limit = limit

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            await self._refuse(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise BodyTooLarge
            return message

        sending = NotingStart(send)
        try:
            await self.app(scope, counting_receive, sending)
        except BodyTooLarge:
            if sending.started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = _("The request is too large. Send at most {size} KB.", size=self.limit // 1024)
        # Closing the connection is what stops the rest of the body being read.
        response = refusal(Request(scope, receive), 413, message, headers={"Connection": "close"})
        await response(scope, receive, send)

"""A request id for every request: set for the application's log records (`dfr.request_id`)
and echoed in the `X-Request-Id` response header, so a person's report, the response and the
log can be matched. Behind the trusted proxy (header sign-in) the proxy's own id is kept."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dfr.request_id import acceptable, end_request, new_request_id, start_request
from dfr.web.middleware import HttpMiddleware

HEADER = "X-Request-Id"


class RequestIds(HttpMiddleware):
    """Pure ASGI middleware, outermost: the id covers error pages and every log record."""

    def __init__(self, app: ASGIApp, *, trust_proxy: bool) -> None:
        super().__init__(app)
        self.trust_proxy = trust_proxy

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        given = Headers(scope=scope).get(HEADER) if self.trust_proxy else None
        request_id = given if given is not None and acceptable(given) else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        token = start_request(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            end_request(token)

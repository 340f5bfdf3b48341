"""A fake Slack Web API served over real HTTP on 127.0.0.1, for slack_sdk to talk to.

It checks the bot token and each method's payload, stores posted messages, answers
conversations.open / conversations.history, and can be told to fail: scripted error answers
(invalid_auth, channel_not_found, 429 with Retry-After, 500, each after a pause if asked) or
to hold a response (so a test can kill the sender, or let it time out, after Slack has the
message but before the sender records it).
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

TOKEN = "xoxb-test-token"


@dataclass
class Fault:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    hold_seconds: float = 0.0  # wait this long before answering (a client may time out first)


@dataclass
class FakeSlack:
    users: set[str] = field(default_factory=set)
    channels: set[str] = field(default_factory=set)
    messages: list[dict[str, Any]] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)
    hold_seconds: float = 0.0
    received: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def posts_to(self, address: str) -> list[dict[str, Any]]:
        channel = f"D{address}" if address.startswith("U") else address
        return [m for m in self.messages if m["channel"] == channel]


def _handler(state: FakeSlack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:  # keep test output quiet
            return

        def _params(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            query = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
            if "json" in (self.headers.get("Content-Type") or ""):
                return {**query, **json.loads(raw or "{}")}
            return {**query, **{k: v[0] for k, v in parse_qs(raw).items()}}

        def _answer(
            self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = lambda self: self._dispatch()

        def _dispatch(self) -> None:
            method = urlparse(self.path).path.rsplit("/", 1)[-1]
            params = self._params()
            with state.lock:
                state.calls.append((method, params))
            if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                return self._answer(200, {"ok": False, "error": "invalid_auth"})
            if method == "chat.postMessage":
                return self._post(params)
            if method == "conversations.open":
                user = params.get("users", "")
                if user not in state.users:
                    return self._answer(200, {"ok": False, "error": "user_not_found"})
                return self._answer(200, {"ok": True, "channel": {"id": f"D{user}"}})
            if method == "conversations.history":
                channel = params.get("channel", "")
                oldest = float(params.get("oldest") or 0)
                found = [
                    m
                    for m in state.messages
                    if m["channel"] == channel and float(m["ts"]) >= oldest
                ]
                return self._answer(200, {"ok": True, "messages": list(reversed(found))})
            return self._answer(200, {"ok": False, "error": "unknown_method"})

        def _post(self, params: dict[str, Any]) -> None:
            with state.lock:
                fault = state.faults.popleft() if state.faults else None
            if fault is not None:
                time.sleep(fault.hold_seconds)
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else None
                return self._answer(
                    fault.status, {"ok": False, "error": fault.error or "internal_error"}, headers
                )
            channel = params.get("channel", "")
            if not params.get("text") or not isinstance(params.get("blocks"), list):
                return self._answer(200, {"ok": False, "error": "no_text"})
            if channel in state.users:
                channel = f"D{channel}"
            elif channel not in state.channels:
                return self._answer(200, {"ok": False, "error": "channel_not_found"})
            message = {
                "channel": channel,
                "text": params["text"],
                "blocks": params["blocks"],
                "metadata": params.get("metadata"),
                "ts": f"{time.time():.6f}",
            }
            with state.lock:
                state.messages.append(message)
            state.received.set()
            if state.hold_seconds:
                time.sleep(state.hold_seconds)
            return self._answer(200, {"ok": True, "channel": channel, "ts": message["ts"]})

    return Handler


class FakeSlackServer:
    def __init__(self, state: FakeSlack) -> None:
        self.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
        self.server.daemon_threads = True
        state.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSlack:
        self.thread.start()
        return self.state

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

"""The id of the request being served, so that what the application logs about it can be
matched with the response (its `X-Request-Id` header) and with the proxy's own logs.

The web sets it per request (`dfr.web.request_ids`); elsewhere there is none. Log records
about a person's request carry it as `request_id`: explicitly (`log_fields`) where a record
names the person, and through `RequestIdFilter` on the web's log handler for every other one.
"""

from __future__ import annotations

import logging
import re
import secrets
from contextvars import ContextVar, Token
from typing import Any

NONE = "-"
_SAFE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_current: ContextVar[str | None] = ContextVar("dfr_request_id", default=None)


def new_request_id() -> str:
    return secrets.token_hex(8)


def acceptable(value: str | None) -> bool:
    """Whether an id given by a trusted proxy is safe to log as it is (no spaces, no line
    breaks, not too long)."""
    return value is not None and _SAFE.match(value) is not None


def start_request(request_id: str) -> Token[str | None]:
    return _current.set(request_id)


def end_request(token: Token[str | None]) -> None:
    _current.reset(token)


def current_request_id() -> str | None:
    return _current.get()


def log_fields(**fields: Any) -> dict[str, Any]:
    """`extra=` for a log record about the current request: the given fields (who, what)
    and the request id. Never pass passwords or tokens."""
    return {"request_id": current_request_id() or NONE, **fields}


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` (the current request's, or "-") for formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or NONE
        return True

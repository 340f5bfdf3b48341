"""Web sessions kept in the application database, so that they can end.

The browser holds only a random token; the row (keyed by the token's SHA-256) holds who is
signed in, the CSRF token and when the session began and was last used. A session ends when
its person signs out (the row is deleted), when it has not been used for the idle timeout, or
when it is older than its lifetime, however busy. Signing in always starts a new session (a
new token), so a token planted before sign-in is worth nothing after it.

Reading a session is one primary-key read; it is written at most once a minute (`TOUCH_EVERY`)
to move its last-seen time, so pages never wait on a write lock.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from dfr.settings import Settings
from models.db import session_scope
from models.sign_in import WebSession

TOUCH_EVERY = timedelta(minutes=1)
_LONGEST_TOKEN = 128  # anything longer in a cookie is not one of ours


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: `idle` without use, `lifetime` at most."""

    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=settings.web_session_idle_minutes),
            lifetime=timedelta(hours=settings.web_session_max_hours),
        )


@dataclass(frozen=True)
class LiveSession:
    """A session still in force, as its browser's requests see it."""

    token: str  # the cookie's value
    person_id: str | None
    csrf_token: str
    language: str | None
    created_at: datetime
    last_seen_at: datetime


def key_of(token: str) -> str:
    """The row key for a cookie token: its SHA-256, so the table alone opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    # SQLite gives back the stored UTC time without its zone.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_force(
    created_at: datetime, last_seen_at: datetime, now: datetime, policy: SessionPolicy
) -> bool:
    """Whether a session begun at `created_at` and last used at `last_seen_at` still holds."""
    return now - _utc(last_seen_at) < policy.idle and now - _utc(created_at) < policy.lifetime


def stored_session(
    token: str,
    person_id: str | None,
    csrf_token: str,
    language: str | None,
    created_at: datetime,
    last_seen_at: datetime,
) -> LiveSession:
    """The session `token` opens as its row has it (not yet judged: see `settle`)."""
    return LiveSession(token, person_id, csrf_token, language, _utc(created_at), _utc(last_seen_at))


def settle(
    stored: LiveSession, now: datetime, policy: SessionPolicy, engine: Engine | None = None
) -> LiveSession | None:
    """The session as it stands `now`: None when it has ended (its row is deleted), else
    live, its last-seen time moved at most once a minute."""
    key = key_of(stored.token)
    if not in_force(stored.created_at, stored.last_seen_at, now, policy):
        with session_scope(engine) as session:
            session.execute(delete(WebSession).where(col(WebSession.key) == key))
        return None
    if now - stored.last_seen_at < TOUCH_EVERY:
        return stored
    with session_scope(engine) as session:
        session.execute(
            update(WebSession).where(col(WebSession.key) == key).values(last_seen_at=now)
        )
    return replace(stored, last_seen_at=now)


def could_be_token(token: str | None) -> bool:
    """Whether `token` could be one of ours (anything else opens nothing, unread)."""
    return bool(token) and len(token or "") <= _LONGEST_TOKEN


def open_session(
    token: str, now: datetime, policy: SessionPolicy, engine: Engine | None = None
) -> LiveSession | None:
    """The session this token opens, or None (unknown, signed out, idle too long, too old).
    An ended session's row is deleted; a live one's last-seen time moves at most once a
    minute."""
    if not could_be_token(token):
        return None
    with session_scope(engine, read_only=True) as session:
        row = session.get(WebSession, key_of(token))
    if row is None:
        return None
    stored = stored_session(
        token, row.person_id, row.csrf_token, row.language, row.created_at, row.last_seen_at
    )
    return settle(stored, now, policy, engine)


def start_session(
    session: Session,
    *,
    now: datetime,
    policy: SessionPolicy,
    person_id: str | None = None,
    language: str | None = None,
    replacing: str | None = None,
) -> LiveSession:
    """A new session with a new token and CSRF token; `replacing` (the browser's previous
    token) ends. Sessions unused for the idle timeout are swept out on the way."""
    if replacing:
        end_session(session, replacing)
    session.execute(delete(WebSession).where(col(WebSession.last_seen_at) < now - policy.idle))
    token = secrets.token_urlsafe(32)
    row = WebSession(
        key=key_of(token),
        person_id=person_id,
        csrf_token=secrets.token_urlsafe(32),
        language=language,
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    return LiveSession(token, person_id, row.csrf_token, language, now, now)


def end_session(session: Session, token: str) -> None:
    """End the session this token opens (sign-out): the token opens nothing from now on."""
    session.execute(delete(WebSession).where(col(WebSession.key) == key_of(token)))

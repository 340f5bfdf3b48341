"""Who is signed in to the web UI, and the sign-in attempts that throttle password guessing.

Both are working state, not records: a session ends (sign-out, idle, too old) by being
deleted, and attempts are kept only while they can still slow someone down. Neither is part of
an export (`services.backup.TRANSIENT`): restoring a database signs everyone out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index
from sqlmodel import Field, SQLModel

from models.submission import utcnow


class WebSession(SQLModel, table=True):
    """A browser's session. The cookie holds a random token; the row is keyed by its SHA-256,
    so a copy of this table opens no one's session."""

    __tablename__ = "web_session"

    key: str = Field(primary_key=True, max_length=64)  # sha256 hex of the cookie's token
    # Who signed in (demo), or the identity the proxy's header carried (header mode); None
    # before sign-in. Not a foreign key: a header may name someone the directory lacks.
    person_id: str | None = Field(default=None, max_length=128)
    csrf_token: str = Field(max_length=64)
    language: str | None = Field(default=None, max_length=2)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )


class SignInAttempt(SQLModel, table=True):
    """One demo sign-in that checked a password: who it was for, from where, and whether the
    password was right. Refused attempts (throttled) check nothing and are only logged."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_person", "person_id", "attempted_at"),
        Index("ix_sign_in_attempt_client", "client", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(max_length=128)
    client: str = Field(max_length=64)
    succeeded: bool
    attempted_at: datetime = Field(
        default_factory=utcnow,
        sa_column=Column(DateTime(timezone=True), nullable=False, index=True),
    )

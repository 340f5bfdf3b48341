"""The notification row: persisted with a unique idempotency key before any delivery attempt.

Statuses (after GOV.UK Notify): pending → sending → delivered | failed. A sender acts only on
rows it moved from pending to sending itself; a retry never creates a second row.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime

from sqlalchemy import Column, DateTime
from sqlmodel import Field, SQLModel

from models.submission import utcnow

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"


def new_notification_id(at_ns: int | None = None) -> str:
    """A new notification's id: a version 7 UUID (RFC 9562: the time in milliseconds, then
    74 random bits), as 32 hex digits. Ids made later sort later, so a new row goes at the
    end of the primary key's index instead of into a random page of it (each page a step
    touches is written in its commit), and the outbox's files list in the order they came.
    `at_ns`: the time to use (tests), default now."""
    now_ns = time.time_ns() if at_ns is None else at_ns
    value = (now_ns // 1_000_000) << 80 | secrets.randbits(80)
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # the RFC's variant
    return f"{value:032x}"


class Notification(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=32)  # also the provider reference we send
    idempotency_key: str = Field(max_length=200, unique=True)
    message: str = Field(max_length=32)
    template_version: int
    log_seq: int | None = Field(default=None, index=True)  # the logged event it tells of
    submission_id: int | None = Field(default=None, index=True)
    recipient_id: str | None = Field(default=None, max_length=64)  # None for a DG channel
    channel: str = Field(max_length=16)  # slack_dm | slack_channel | email | outbox
    address: str = Field(max_length=254)
    language: str = Field(max_length=8)  # cy | en | cy+en
    subject: str
    body_markdown: str
    body_html: str  # the email's HTML part (sanitised); empty for Slack and the outbox
    status: str = Field(default=PENDING, max_length=16, index=True)
    attempts: int = 0
    last_error: str | None = None
    provider_ref: str | None = Field(default=None, max_length=128)
    next_attempt_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    sent_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )

"""Send pending notification rows exactly once.

A sender first claims a row (pending → sending, in one conditional UPDATE), so two senders never
send the same row. The claim carries a lease; a row still `sending` after its lease (the process
died between sending and recording) is reconciled by asking the channel whether it has the
message: yes → delivered, no → sent again, cannot tell → failed with the reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from dfr.settings import Settings
from models.notification import DELIVERED, FAILED, PENDING, SENDING, Notification
from notifications.channels import (
    Channel,
    EmailChannel,
    OutboxChannel,
    PermanentFailure,
    SlackChannel,
    TemporaryFailure,
    UncertainDelivery,
)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


def build_channels(settings: Settings, echo: bool = False) -> dict[str, Channel]:
    channels: dict[str, Channel] = {"outbox": OutboxChannel(settings.outbox_dir, echo=echo)}
    if settings.slack_token is not None:
        slack = SlackChannel(
            "slack",
            settings.slack_token.get_secret_value(),
            settings.slack_api_url,
            settings.slack_timeout_seconds,
        )
        channels["slack_dm"] = channels["slack_channel"] = slack
    if settings.smtp_host:
        channels["email"] = EmailChannel(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_username,
            settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            settings.smtp_starttls,
            settings.smtp_timeout_seconds,
        )
    return channels


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    deferred: int = 0
    reconciled: int = 0

    def add(self, other: DeliveryReport) -> None:
        self.delivered += other.delivered
        self.failed += other.failed
        self.deferred += other.deferred
        self.reconciled += other.reconciled


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)  # SQLite returns naive datetimes; we store UTC


def claim(engine: Engine, notification_id: str, now: datetime, lease: float) -> Notification | None:
    """Move one due row from pending to sending; None if another sender got there first."""
    with Session(engine) as session:
        result = session.execute(
            update(Notification)
            .where(
                col(Notification.id) == notification_id,
                col(Notification.status) == PENDING,
                or_(
                    col(Notification.next_attempt_at).is_(None),
                    col(Notification.next_attempt_at) <= now,
                ),
            )
            .values(
                status=SENDING,
                attempts=col(Notification.attempts) + 1,
                next_attempt_at=now + timedelta(seconds=lease),
            )
        )
        session.commit()
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return session.get(Notification, notification_id)


def _record(engine: Engine, notification_id: str, **values: object) -> None:
    with Session(engine) as session:
        session.execute(
            update(Notification)
            .where(col(Notification.id) == notification_id, col(Notification.status) == SENDING)
            .values(**values)
        )
        session.commit()


def _send_one(
    engine: Engine,
    row: Notification,
    channels: dict[str, Channel],
    settings: Settings,
    now: datetime,
) -> str:
    channel = channels.get(row.channel)
    if channel is None:
        _record(
            engine, row.id, status=FAILED, last_error=f"channel {row.channel} is not configured"
        )
        return FAILED
    try:
        reference = channel.send(row)
    except UncertainDelivery as failure:
        return _settle_uncertain(engine, row, channel, settings, now, failure)
    except TemporaryFailure as failure:
        if row.attempts >= settings.notify_max_attempts:
            reason = f"gave up after {row.attempts} attempts: {failure.reason}"
            _record(engine, row.id, status=FAILED, last_error=reason)
            return FAILED
        wait = failure.retry_after
        if wait is None:
            wait = settings.notify_backoff_seconds * 2 ** (row.attempts - 1)
        _record(
            engine,
            row.id,
            status=PENDING,
            last_error=failure.reason,
            next_attempt_at=now + timedelta(seconds=wait),
        )
        return PENDING
    except PermanentFailure as failure:
        _record(engine, row.id, status=FAILED, last_error=failure.reason)
        return FAILED
    _record(
        engine,
        row.id,
        status=DELIVERED,
        provider_ref=reference[:128],
        sent_at=utcnow(),
        last_error=None,
        next_attempt_at=None,
    )
    return DELIVERED


def _settle_uncertain(
    engine: Engine,
    row: Notification,
    channel: Channel,
    settings: Settings,
    started: datetime,
    failure: UncertainDelivery,
) -> str:
    """The request may have reached the provider (it timed out waiting for the answer): ask
    the channel by the message's metadata before sending again, as after a crash mid-send."""
    answer = channel.was_delivered(row, since=started - timedelta(seconds=5))
    if answer is True:
        _record(
            engine,
            row.id,
            status=DELIVERED,
            sent_at=utcnow(),
            last_error=None,
            next_attempt_at=None,
            provider_ref="confirmed after a timeout",
        )
        return DELIVERED
    if answer is None:
        _record(
            engine,
            row.id,
            status=FAILED,
            next_attempt_at=None,
            last_error=(
                f"{failure.reason}, and the channel cannot confirm whether it arrived; check "
                "with the recipient, then `dfr notifications retry` to send it again"
            ),
        )
        return FAILED
    if row.attempts >= settings.notify_max_attempts:
        reason = f"gave up after {row.attempts} attempts: {failure.reason} (not delivered)"
        _record(engine, row.id, status=FAILED, last_error=reason)
        return FAILED
    wait = settings.notify_backoff_seconds * 2 ** (row.attempts - 1)
    _record(
        engine,
        row.id,
        status=PENDING,
        last_error=f"{failure.reason}; the provider does not have it, so it will be sent again",
        next_attempt_at=started + timedelta(seconds=wait),
    )
    return PENDING


def reconcile_interrupted(
    engine: Engine, channels: dict[str, Channel], settings: Settings, now: datetime
) -> int:
    """Settle rows whose sender died after claiming them (lease expired while `sending`)."""
    with Session(engine) as session:
        stale = session.exec(
            select(Notification).where(
                Notification.status == SENDING, col(Notification.next_attempt_at) < now
            )
        ).all()
    for row in stale:
        claimed_at = (_aware(row.next_attempt_at) or now) - timedelta(
            seconds=settings.notify_lease_seconds
        )
        channel = channels.get(row.channel)
        answer = (
            channel.was_delivered(row, since=claimed_at - timedelta(seconds=5)) if channel else None
        )
        if answer is True:
            _record(
                engine,
                row.id,
                status=DELIVERED,
                sent_at=now,
                last_error=None,
                next_attempt_at=None,
                provider_ref="confirmed after interruption",
            )
        elif answer is False:
            _record(
                engine,
                row.id,
                status=PENDING,
                next_attempt_at=None,
                last_error="interrupted before the provider received it; sending again",
            )
        else:
            _record(
                engine,
                row.id,
                status=FAILED,
                next_attempt_at=None,
                last_error=(
                    "interrupted while sending and the channel cannot confirm delivery; check with "
                    "the recipient, then `dfr notifications retry` to send it again"
                ),
            )
    return len(stale)


def deliver_due(
    engine: Engine,
    channels: dict[str, Channel],
    settings: Settings,
    submission_id: int | None = None,
    clock: Clock = utcnow,
) -> DeliveryReport:
    """One pass over the rows due now."""
    report = DeliveryReport(reconciled=reconcile_interrupted(engine, channels, settings, clock()))
    now = clock()
    with Session(engine) as session:
        query = select(Notification.id).where(
            Notification.status == PENDING,
            or_(
                col(Notification.next_attempt_at).is_(None),
                col(Notification.next_attempt_at) <= now,
            ),
        )
        if submission_id is not None:
            query = query.where(Notification.submission_id == submission_id)
        due = list(session.exec(query.order_by(col(Notification.created_at))).all())
    for notification_id in due:
        row = claim(engine, notification_id, clock(), settings.notify_lease_seconds)
        if row is None:
            continue
        outcome = _send_one(engine, row, channels, settings, clock())
        if outcome == DELIVERED:
            report.delivered += 1
        elif outcome == FAILED:
            report.failed += 1
        else:
            report.deferred += 1
    return report


def next_due(engine: Engine, submission_id: int | None = None) -> datetime | None:
    with Session(engine) as session:
        query = select(Notification.next_attempt_at).where(
            Notification.status == PENDING, col(Notification.next_attempt_at).is_not(None)
        )
        if submission_id is not None:
            query = query.where(Notification.submission_id == submission_id)
        return _aware(session.exec(query.order_by(col(Notification.next_attempt_at))).first())


def deliver_until_settled(
    engine: Engine,
    channels: dict[str, Channel],
    settings: Settings,
    submission_id: int | None = None,
    clock: Clock = utcnow,
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Deliver, waiting for retries that fall due within `notify_max_wait_seconds`."""
    total = DeliveryReport()
    deadline = clock() + timedelta(seconds=settings.notify_max_wait_seconds)
    while True:
        total.add(deliver_due(engine, channels, settings, submission_id, clock))
        upcoming = next_due(engine, submission_id)
        if upcoming is None or upcoming > deadline:
            return total
        sleep(max(0.0, (upcoming - clock()).total_seconds()))


def retry_failed(session: Session, notification_ids: list[str] | None = None) -> int:
    """Put failed rows back to pending (`dfr notifications retry`); returns how many."""
    query = select(Notification).where(Notification.status == FAILED)
    if notification_ids:
        query = query.where(col(Notification.id).in_(notification_ids))
    rows = session.exec(query).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, None
        session.add(row)
    return len(rows)

"""Notification rows as operators see them: listed by status, failed ones queued again."""

from __future__ import annotations

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _
from models.notification import DELIVERED, FAILED, PENDING, SENDING, Notification
from notifications.delivery import retry_failed

STATUSES = (PENDING, SENDING, DELIVERED, FAILED)


def list_notifications(session: Session, status: str | None = None) -> list[Notification]:
    """Every notification row, oldest first; only those with `status` when it is given."""
    query = select(Notification).order_by(col(Notification.created_at), col(Notification.id))
    if status is not None:
        if status not in STATUSES:
            raise ValidationError(
                _(
                    "Unknown notification status {status}; use one of: {statuses}.",
                    status=status,
                    statuses=", ".join(STATUSES),
                ),
                field="status",
            )
        query = query.where(Notification.status == status)
    return list(session.exec(query).all())


def queue_failed_again(session: Session, notification_ids: list[str] | None = None) -> int:
    """Put failed notifications (these, or every failed one) back to pending for delivery;
    returns how many. Naming one that does not exist, or has not failed, is refused and
    queues nothing."""
    if notification_ids:
        named = sorted(set(notification_ids))
        found = dict(
            session.exec(
                select(Notification.id, Notification.status).where(col(Notification.id).in_(named))
            ).all()
        )
        missing = [n for n in named if n not in found]
        if missing:
            raise NotFoundError(
                _(
                    "No notification {id}. Give the id of a failed notification, as listed "
                    "with its status.",
                    id=missing[0],
                ),
                field="notification",
            )
        not_failed = [n for n in named if found[n] != FAILED]
        if not_failed:
            raise ValidationError(
                _(
                    "Notification {id} has not failed, so there is nothing to send again: only "
                    "failed notifications can be retried.",
                    id=not_failed[0],
                ),
                field="notification",
            )
    return retry_failed(session, notification_ids)

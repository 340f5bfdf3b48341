"""The tasks flows are made of. Each calls the domain; each is safe to run twice.

Side effects: every task sets `cache_policy=NO_CACHE` so Prefect never skips one because it
saw the same inputs before.
"""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from checklists.loader import registry
from dfr.settings import get_settings
from flows.events import emit_pending_events
from models.db import default_engine, session_scope
from models.intake import submit
from models.submission import Submission
from notifications.delivery import DeliveryReport, build_channels, deliver_until_settled
from notifications.queue import queue_for_submission


def _existing(intake_key: str | None) -> int | None:
    if not intake_key:
        return None
    with session_scope() as session:
        return session.exec(
            select(Submission.id).where(Submission.intake_key == intake_key)
        ).first()


@task(name="store-submission", cache_policy=NO_CACHE)
def store_submission(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Validate → evaluate the checklists → route → create review tasks → assign, in one
    transaction. A second run with the same intake key returns the first submission."""
    found = _existing(intake_key)
    if found is not None:
        return found
    try:
        with session_scope() as session:
            submission, _route = submit(session, data, registry(), intake_key=intake_key)
            return submission.id or 0
    except IntegrityError:  # another worker stored the same intake key first
        found = _existing(intake_key)
        if found is None:
            raise
        return found


@task(name="queue-notifications", cache_policy=NO_CACHE)
def queue_notifications(submission_id: int) -> int:
    """Store a notification row for everything the log says people should be told."""
    with session_scope() as session:
        return len(queue_for_submission(session, submission_id, registry(), get_settings()))


@task(name="emit-events", cache_policy=NO_CACHE)
def emit_events(submission_id: int) -> int:
    """Publish each not-yet-published log entry of the submission as a Prefect event."""
    return emit_pending_events(default_engine(), submission_id)


@task(name="deliver-notifications", cache_policy=NO_CACHE)
def deliver_notifications(submission_id: int | None = None) -> dict[str, int]:
    report: DeliveryReport = deliver_until_settled(
        default_engine(), build_channels(get_settings()), get_settings(), submission_id
    )
    return vars(report)

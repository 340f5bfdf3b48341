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


@task(name="announce", cache_policy=NO_CACHE)
def announce(submission_id: int) -> dict[str, int]:
    """Tell people and Prefect what the log recorded: store a notification row for each
    message owed, then publish each not-yet-published log entry as a Prefect event. One task,
    not two: each task run costs tens of milliseconds of orchestration on a small machine."""
    with session_scope() as session:
        queued = len(queue_for_submission(session, submission_id, registry(), get_settings()))
    return {"queued": queued, "emitted": emit_pending_events(default_engine(), submission_id)}


@task(name="deliver-notifications", cache_policy=NO_CACHE)
def deliver_notifications(submission_id: int | None = None) -> dict[str, int]:
    report: DeliveryReport = deliver_until_settled(
        default_engine(), build_channels(get_settings()), get_settings(), submission_id
    )
    return vars(report)


@task(name="store-submissions", cache_policy=NO_CACHE)
def store_submissions(items: list[dict[str, Any]]) -> list[int]:
    """Store many submissions in one transaction (bulk intake); all or none."""
    with session_scope() as session:
        reg = registry()
        return [submit(session, data, reg)[0].id or 0 for data in items]


@task(name="announce-many", cache_policy=NO_CACHE)
def announce_many(submission_ids: list[int]) -> int:
    """`announce` for a chunk of bulk intake, in one transaction."""
    engine = default_engine()
    with session_scope() as session:
        reg, settings = registry(), get_settings()
        queued = sum(
            len(queue_for_submission(session, sid, reg, settings)) for sid in submission_ids
        )
    for sid in submission_ids:
        emit_pending_events(engine, sid)
    return queued

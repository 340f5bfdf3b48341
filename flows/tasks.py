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
from models.bulk_intake import Part, submit_many
from models.db import default_engine, session_scope
from models.intake import submit
from models.submission import Submission
from notifications.delivery import DeliveryReport, build_channels, deliver_until_settled
from notifications.queue import queue_for_submissions


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


def _announce(submission_ids: list[int]) -> dict[str, int]:
    with session_scope() as session:
        queued = queue_for_submissions(session, submission_ids, registry(), get_settings())
    return {"queued": queued, "emitted": emit_pending_events(default_engine(), submission_ids)}


@task(name="announce", cache_policy=NO_CACHE)
def announce(submission_id: int) -> dict[str, int]:
    """Tell people and Prefect what the log recorded: store a notification row for each
    message owed, then publish each not-yet-published log entry as a Prefect event. One task,
    not two: each task run costs tens of milliseconds of orchestration on a small machine."""
    return _announce([submission_id])


@task(name="take-in", cache_policy=NO_CACHE)
def take_in(data: dict[str, Any], intake_key: str | None = None) -> dict[str, int]:
    """Intake of one submission as one task run: store and route it (`store_submission`),
    then queue its notifications and publish its events (`announce`)."""
    submission_id = store_submission.fn(data, intake_key)
    return {"submission_id": submission_id, **_announce([submission_id])}


@task(name="deliver-notifications", cache_policy=NO_CACHE)
def deliver_notifications(submission_id: int | None = None) -> dict[str, int]:
    report: DeliveryReport = deliver_until_settled(
        default_engine(), build_channels(get_settings()), get_settings(), submission_id
    )
    return vars(report)


@task(name="take-in-chunk", cache_policy=NO_CACHE)
def take_in_chunk(part: Part) -> dict[str, int]:
    """Bulk intake of one chunk as one task run: every submission checked and routed, the
    chunk stored in one transaction (all or none), then its notifications and events."""
    with session_scope() as session:
        submission_ids = submit_many(session, part.lines(), registry())
    return {"stored": len(submission_ids), **_announce(submission_ids)}


@task(name="announce-many", cache_policy=NO_CACHE)
def announce_many(submission_ids: list[int]) -> int:
    """`announce` for many submissions (the reminder sweep): queries and inserts per batch of
    submissions, not per submission."""
    return _announce(submission_ids)["queued"]

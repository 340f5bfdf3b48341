"""The tasks flows are made of. Each calls the domain; each is safe to run twice.

Every task sets `cache_policy=NO_CACHE` so Prefect never skips one because it saw the same
inputs before. Those flows run are made with `blocking_task` (`flows/steps.py`): async Prefect
tasks with the blocking work in a thread.
"""

from __future__ import annotations

from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from checklists.loader import registry
from dfr.settings import get_settings
from flows.events import emit_pending_events
from flows.steps import blocking_task
from models.db import default_engine, session_scope
from notifications.delivery import DeliveryReport, build_channels, deliver_until_settled
from services.announce import queue_notifications
from services.bulk_intake import Part, submit_many
from services.submit import submit


@task(name="store-submission", cache_policy=NO_CACHE)
def store_submission(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Check, route, store and assign one submission in one transaction (`services.submit`);
    the same intake key again returns the first submission."""
    with session_scope() as session:
        return submit(session, data, registry(), intake_key=intake_key).submission_id


def _announce(submission_ids: list[int]) -> dict[str, int]:
    with session_scope() as session:
        queued = queue_notifications(session, submission_ids, registry(), get_settings())
    return {"queued": queued, "emitted": emit_pending_events(default_engine(), submission_ids)}


@blocking_task("announce")
def announce(submission_id: int) -> dict[str, int]:
    """Tell people and Prefect what the log recorded: store a notification row for each
    message owed, then publish each not-yet-published log entry as a Prefect event. One task,
    not two: each task run costs tens of milliseconds of orchestration on a small machine."""
    return _announce([submission_id])


@blocking_task("take-in")
def take_in(data: dict[str, Any], intake_key: str | None = None) -> dict[str, int]:
    """Intake of one submission as one task run: store and route it (`store_submission`),
    then queue its notifications and publish its events (`announce`)."""
    submission_id = store_submission.fn(data, intake_key)
    return {"submission_id": submission_id, **_announce([submission_id])}


@blocking_task("deliver-notifications")
def deliver_notifications(submission_id: int | None = None) -> dict[str, int]:
    report: DeliveryReport = deliver_until_settled(
        default_engine(), build_channels(get_settings()), get_settings(), submission_id
    )
    return vars(report)


@blocking_task("take-in-chunk")
def take_in_chunk(part: Part) -> list[int]:
    """Bulk intake of one chunk as one task run: every submission checked and routed, the
    chunk stored with its notifications queued in one transaction (all or none). Returns the
    submissions stored; their events are published afterwards (`publish_events`)."""
    with session_scope() as session:
        return submit_many(session, part.lines(), registry())


@blocking_task("publish-events")
def publish_events(submission_ids: list[int]) -> int:
    """Publish these submissions' not-yet-published log entries as Prefect events; return how
    many. Many at once are paced to what the Prefect server stores (`flows/event_batches.py`)."""
    return emit_pending_events(default_engine(), submission_ids)


@blocking_task("announce-many")
def announce_many(submission_ids: list[int]) -> int:
    """`announce` for many submissions (the reminder sweep): queries and inserts per batch of
    submissions, not per submission."""
    return _announce(submission_ids)["queued"]

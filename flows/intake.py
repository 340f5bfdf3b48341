"""Intake: validate → evaluate → route → review tasks → assign → queue notifications → events."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.steps import step
from flows.tasks import emit_events, queue_notifications, store_submission


@flow(name="intake", persist_result=False)
async def intake(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Store and route one submission; running it again with the same key changes nothing."""
    submission_id = step(store_submission, data, intake_key)
    step(queue_notifications, submission_id)
    step(emit_events, submission_id)
    return submission_id

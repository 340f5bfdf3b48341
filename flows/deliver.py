"""Deliver: send pending notifications through their channels, with retries and backoff."""

from __future__ import annotations

from prefect import flow

from flows.steps import step
from flows.tasks import deliver_notifications


@flow(name="deliver", persist_result=False)
async def deliver(submission_id: int | None = None) -> dict[str, int]:
    return await step(deliver_notifications, submission_id)

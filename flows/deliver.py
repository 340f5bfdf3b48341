"""Deliver: send pending notifications through their channels, with retries and backoff."""

from __future__ import annotations

from prefect import flow

from flows.prefect_tasks import deliver_notifications
from flows.steps import step


@flow(name="deliver", persist_result=False)
async def deliver(submission_id: int | None = None) -> dict[str, int]:
    return await step(deliver_notifications, submission_id)

"""Advance: after a decision, resubmission or withdrawal has been recorded by the caller.

The decision and the lifecycle move it causes (opening the next stage, finishing) are written
in the caller's transaction, so a submission is never left between stages; this flow tells
people and publishes the events. Running it again sends nothing twice.
"""

from __future__ import annotations

from prefect import flow

from flows.prefect_tasks import announce
from flows.steps import step


@flow(name="advance", persist_result=False)
async def advance(submission_id: int) -> int:
    return (await step(announce, submission_id))["queued"]

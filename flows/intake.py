"""Intake: validate → evaluate → route → review tasks → assign → queue notifications → events."""

from __future__ import annotations

from typing import Any

from prefect import flow

from flows.steps import step
from flows.tasks import take_in, take_in_chunk
from models.bulk_intake import parts_of


@flow(name="intake", persist_result=False)
async def intake(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Store and route one submission; running it again with the same key changes nothing."""
    return step(take_in, data, intake_key)["submission_id"]


@flow(name="intake-many", persist_result=False)
async def intake_many(path: str, chunk: int = 500) -> int:
    """Bulk intake from a JSON-lines file of submissions (imports from another system): one
    flow run, one task run and one transaction per chunk, each chunk stored whole or not at
    all. The file is passed by path, and each task a byte range of it: parameters stay small
    (Prefect walks every parameter of a task run)."""
    return sum(step(take_in_chunk, part)["stored"] for part in parts_of(path, chunk))

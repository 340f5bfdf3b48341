"""Intake: validate → evaluate → route → review tasks → assign → queue notifications → events."""

from __future__ import annotations

import json
from typing import Any

from prefect import flow

from flows.steps import step
from flows.tasks import announce, announce_many, store_submission, store_submissions


@flow(name="intake", persist_result=False)
async def intake(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Store and route one submission; running it again with the same key changes nothing."""
    submission_id = step(store_submission, data, intake_key)
    step(announce, submission_id)
    return submission_id


@flow(name="intake-many", persist_result=False)
async def intake_many(path: str, chunk: int = 500) -> int:
    """Bulk intake from a JSON-lines file of submissions (imports from another system): one
    flow run, chunked transactions, each chunk stored whole or not at all. The file is passed
    by path: flow parameters stay small."""
    stored = 0
    with open(path, encoding="utf-8") as handle:
        batch: list[dict[str, Any]] = []
        for line in handle:
            if line.strip():
                batch.append(json.loads(line))
            if len(batch) == chunk:
                stored += _intake_chunk(batch)
                batch = []
        if batch:
            stored += _intake_chunk(batch)
    return stored


def _intake_chunk(batch: list[dict[str, Any]]) -> int:
    ids = step(store_submissions, batch)
    step(announce_many, ids)
    return len(ids)

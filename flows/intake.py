"""Intake: validate → evaluate → route → review tasks → assign → queue notifications → events."""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow

from flows.prefect_tasks import publish_events, take_in, take_in_chunk
from flows.steps import step
from services.bulk_intake import parts_of


@flow(name="intake", persist_result=False)
async def intake(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Store and route one submission; running it again with the same key changes nothing."""
    return (await step(take_in, data, intake_key))["submission_id"]


log = logging.getLogger("dfr.flows")

PUBLISH = 2_500  # submissions whose events one `publish-events` task run publishes


@flow(name="intake-many", persist_result=False)
async def intake_many(path: str, chunk: int = 500, from_line: int = 1) -> int:
    """Bulk intake from a JSON-lines file of submissions (imports from another system): one
    flow run, one task run and one transaction per chunk, each chunk stored whole or not at
    all, its notifications queued. The file is passed by path, and each task a byte range of
    it: parameters stay small (Prefect walks every parameter of a task run).

    The events are published once everything is stored: a Prefect server takes in events
    more slowly than submissions are stored (a few hundred a second on 2 cores), and people
    should not wait for it to be routed and told. A run stopped in between leaves the events
    to the follow-up flow's catch-up (`dfr worker`, `dfr run`); a bad line stops the import
    after the events of the chunks before it are published.

    `from_line` resumes an import that stopped at a bad line: the chunks before it were
    stored, and a line has no key that would recognise it a second time."""
    stored: list[int] = []
    try:
        for part in parts_of(path, chunk, from_line):
            ids: list[int] = await step(take_in_chunk, part)
            stored += ids
    except Exception:
        # A bad line: publish what the chunks before it stored, without letting a failure
        # here (the Prefect API gone) hide the line's message; the follow-up flow's catch-up
        # publishes whatever this could not.
        try:
            await _publish(stored)
        except Exception:
            log.exception("Could not publish the events of %d stored submissions", len(stored))
        raise
    await _publish(stored)
    return len(stored)


async def _publish(submission_ids: list[int]) -> None:
    for start in range(0, len(submission_ids), PUBLISH):
        await step(publish_events, submission_ids[start : start + PUBLISH])

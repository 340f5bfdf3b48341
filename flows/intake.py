"""Intake: validate → evaluate → route → review tasks → assign → queue notifications → events."""

from __future__ import annotations

import json
from typing import Any

from prefect import flow

from dfr.errors import ValidationError
from dfr.i18n import _
from flows.steps import step
from flows.tasks import take_in, take_in_chunk
from models.bulk_intake import Line


@flow(name="intake", persist_result=False)
async def intake(data: dict[str, Any], intake_key: str | None = None) -> int:
    """Store and route one submission; running it again with the same key changes nothing."""
    return step(take_in, data, intake_key)["submission_id"]


@flow(name="intake-many", persist_result=False)
async def intake_many(path: str, chunk: int = 500) -> int:
    """Bulk intake from a JSON-lines file of submissions (imports from another system): one
    flow run, one task run and one transaction per chunk, each chunk stored whole or not at
    all. The file is passed by path: flow parameters stay small."""
    stored = 0
    batch: list[Line] = []
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if text.strip():
                batch.append(Line(number, _parsed(number, text, batch)))
            if len(batch) == chunk:
                stored += step(take_in_chunk, batch)["stored"]
                batch = []
    if batch:
        stored += step(take_in_chunk, batch)["stored"]
    return stored


def _parsed(number: int, text: str, batch: list[Line]) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        first = batch[0].number if batch else number
        raise ValidationError(
            _(
                "Line {line} is not valid JSON ({problem}): each line of a bulk intake file "
                "holds one submission. Nothing from line {first} on was stored. Correct line "
                "{line}, then import again from line {first}.",
                line=number,
                problem=err.msg,
                first=first,
            )
        ) from None

"""Bulk intake: a JSON-lines file of submissions, in chunks checked, routed and stored together.

Every submission of a chunk is planned (`plan_submission`), then the chunk is stored by
`services.submit.store_plans`, the code a single submission is stored with: what is stored is
what submitting the same submissions one by one would store, ids and timestamps apart. Any
problem rejects the whole chunk before anything is written, naming the line it is on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from checklists.loader import Registry
from dfr import strict_json
from dfr.errors import DfrError, ValidationError
from dfr.i18n import _
from models.directory_lookup import DirectoryLookup
from models.working_days import london_today
from services.intake import SubmissionPlan, plan_submission
from services.submit import store_plans


@dataclass(frozen=True)
class Line:
    """One line of an import file: a submission as JSON, and where it was (for errors)."""

    number: int
    text: str

    def submission(self) -> Any:
        try:
            return strict_json.loads(self.text)
        except strict_json.RepeatedKey as repeated:
            raise ValidationError(
                _("It gives {key} twice; give each field once.", key=repeated.key)
            ) from None
        except json.JSONDecodeError as err:
            raise ValidationError(
                _(
                    "It is not valid JSON ({problem}): each line of a bulk intake file holds "
                    "one submission.",
                    problem=err.msg,
                )
            ) from None


def plan_chunk(
    session: Session,
    lines: Sequence[Line],
    registry: Registry,
    on: date,
    directory: DirectoryLookup,
) -> list[SubmissionPlan]:
    """Plan every submission of the chunk; the first problem rejects the chunk."""
    plans = []
    for line in lines:
        try:
            plans.append(plan_submission(session, line.submission(), registry, on, directory))
        except DfrError as err:
            failure = type(err)(
                _(
                    "Line {line}: {problem}\nNothing from lines {first} to {last} was stored. "
                    "Correct line {line}, then import again from line {first}.",
                    line=line.number,
                    problem=err.message,
                    first=lines[0].number,
                    last=lines[-1].number,
                ),
                field=err.field,
            )
            failure.resume_line = lines[0].number
            raise failure from None
    return plans


def submit_many(
    session: Session,
    lines: Sequence[Line],
    registry: Registry,
    on: date | None = None,
    *,
    announce: bool = True,
) -> list[int]:
    """Store a chunk of new submissions, route them and open their first stages, in the
    caller's transaction; return their ids in line order. The notifications their log
    entries call for are queued in the same transaction, as `services.submit.submit` queues
    a single submission's (`announce=False` leaves them to the follow-up run)."""
    if not lines:
        return []
    directory = DirectoryLookup(session)
    plans = plan_chunk(session, lines, registry, on or london_today(), directory)
    return store_plans(session, plans, directory, announce_with=registry if announce else None)


@dataclass(frozen=True)
class Part:
    """A chunk of an import file: its byte range and the number of its first line. A task is
    handed this, not the submissions, so its parameters stay small."""

    path: str
    first_line: int
    offset: int
    size: int

    def lines(self) -> list[Line]:
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            text = handle.read(self.size).decode("utf-8")
        return [
            Line(number, line)
            for number, line in enumerate(text.split("\n"), start=self.first_line)
            if line.strip()
        ]


def parts_of(path: str, size: int, from_line: int = 1) -> Iterator[Part]:
    """Split a JSON-lines file into parts of `size` submissions (blank lines skipped),
    starting at line `from_line` (an import resumed after a bad line)."""
    first_line = offset = position = count = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number < from_line:
                position += len(raw)
                continue
            if count == 0:
                first_line, offset = number, position
            position += len(raw)
            if raw.strip():
                count += 1
            if count == size:
                yield Part(path, first_line, offset, position - offset)
                count = 0
    if count:
        yield Part(path, first_line, offset, position - offset)

"""Bulk intake: a chunk of submissions checked, routed and stored together.

Every submission is planned with the code single intake uses (`plan_submission`), then the
chunk is written with one executemany per table: submissions, answers, flags, obligations,
review tasks and decision-log entries. What is stored is what submitting the same
submissions one by one would store, ids and timestamps apart: the same routes, the same
assignees (least loaded, counted in memory as the chunk is assigned), the same log entries in
the same order on one hash chain. Any problem rejects the whole chunk before anything is
written, naming the line it is on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session, SQLModel

from checklists.loader import Registry
from dfr.errors import DfrError, ValidationError
from dfr.i18n import _
from models import audit
from models.dates import due_date_for
from models.directory_lookup import DirectoryLookup
from models.intake_rows import (
    answer_rows,
    flag_rows,
    obligation_row,
    submission_row,
    task_rows,
)
from models.lifecycle import STAGES, Stage
from models.review import Action, ReviewTask
from models.submission import ChecklistAnswers, RaisedFlag, Submission
from models.working_days import london_today
from services.assignment import Workload, choose_assignee
from services.intake import SubmissionPlan, plan_submission, submitted_payload
from services.stages import opened_payload


@dataclass(frozen=True)
class Line:
    """One line of an import file: a submission as JSON, and where it was (for errors)."""

    number: int
    text: str

    def submission(self) -> Any:
        try:
            return json.loads(self.text)
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
            raise type(err)(
                _(
                    "Line {line}: {problem}\nNothing from lines {first} to {last} was stored. "
                    "Correct line {line}, then import again from line {first}.",
                    line=line.number,
                    problem=err.message,
                    first=lines[0].number,
                    last=lines[-1].number,
                ),
                field=err.field,
            ) from None
    return plans


def _new_ids(session: Session, model: type[SQLModel], count: int) -> list[int]:
    """Ids for `count` new rows, taken before inserting so rows can refer to each other."""
    if count == 0:
        return []
    table = model.__table__  # type: ignore[attr-defined]
    if session.get_bind().dialect.name == "postgresql":
        found = session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": count},
        ).scalars()
        return sorted(int(i) for i in found)
    # SQLite: every writer holds the database's write lock from its first statement
    # (BEGIN IMMEDIATE), so nobody else can take these ids before this transaction ends.
    top = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(top + 1, top + count + 1))


@dataclass
class _Chunk:
    submissions: list[dict[str, Any]]
    answers: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    obligations: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    log: list[audit.NewEntry]


def _open_first(
    session: Session,
    plan: SubmissionPlan,
    task: dict[str, Any],
    now: datetime,
    directory: DirectoryLookup,
    workload: Workload,
) -> dict[str, Any]:
    """What `open_task` does to a new submission's first stage, on the row in memory."""
    stage = Stage(task["stage"])
    if stage == Stage.SERVICE_ASSESSMENT:  # routing always puts the digital-options review first
        raise ValueError("bulk intake cannot open a service assessment (it needs a panel)")
    route, parsed = plan.route, plan.parsed
    assignee = choose_assignee(
        session,
        stage,
        parsed.dg,
        route.scrutiny,
        parsed.submitter,
        plan.on,
        directory=directory,
        workload=workload,
    )
    if assignee:
        workload.assigned(assignee)
    task.update(
        status="open",
        opened_at=now,
        due_date=due_date_for(plan.on, STAGES[stage].due_working_days),
        assignee_id=assignee,
    )
    return opened_payload(
        task["id"], task["stage"], task["round"], 1, None, assignee, [], task["due_date"]
    )


def _rows(session: Session, plans: list[SubmissionPlan], directory: DirectoryLookup) -> _Chunk:
    now = datetime.now(UTC)
    workload = Workload(session)
    submission_ids = _new_ids(session, Submission, len(plans))
    task_ids = iter(_new_ids(session, ReviewTask, sum(len(p.route.stages) for p in plans)))
    chunk = _Chunk([], [], [], [], [], [])
    for plan, sid in zip(plans, submission_ids, strict=True):
        chunk.submissions.append(
            submission_row(plan.parsed, plan.route, plan.on, None)
            | {"id": sid, "created_at": now, "updated_at": now, "round": 1, "version": 1}
        )
        chunk.answers += answer_rows(sid, 1, plan.checklists, plan.answers)
        chunk.flags += flag_rows(sid, 1, plan.checklists, plan.route)
        chunk.obligations += [obligation_row(sid, o) for o in plan.route.obligations]
        chunk.log.append(
            audit.NewEntry(
                "submission.submitted", plan.parsed.submitter, sid, submitted_payload(plan)
            )
        )
        tasks = [
            row
            | {
                "id": next(task_ids),
                "attempt": 1,
                "scope": None,
                "assignee_id": None,
                "due_date": None,
                "opened_at": None,
                "closed_at": None,
            }
            for row in task_rows(sid, plan.parsed.dg, 1, plan.route, skip=set())
        ]
        if tasks:
            payload = _open_first(session, plan, tasks[0], now, directory, workload)
            chunk.log.append(audit.NewEntry("task.opened", None, sid, payload))
        chunk.tasks += tasks
    return chunk


def _insert(session: Session, model: type[SQLModel], rows: list[dict[str, Any]]) -> None:
    if rows:
        session.connection().execute(insert(model.__table__), rows)  # type: ignore[attr-defined]


def submit_many(
    session: Session, lines: Sequence[Line], registry: Registry, on: date | None = None
) -> list[int]:
    """Store a chunk of new submissions, route them and open their first stages, in the
    caller's transaction; return their ids in line order."""
    if not lines:
        return []
    directory = DirectoryLookup(session)
    plans = plan_chunk(session, lines, registry, on or london_today(), directory)
    chunk = _rows(session, plans, directory)
    _insert(session, Submission, chunk.submissions)
    _insert(session, ChecklistAnswers, chunk.answers)
    _insert(session, RaisedFlag, chunk.flags)
    _insert(session, Action, chunk.obligations)
    _insert(session, ReviewTask, chunk.tasks)
    audit.append_rows(session, chunk.log)
    return [row["id"] for row in chunk.submissions]


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

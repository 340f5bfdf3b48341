"""Opening, closing and cancelling review tasks, each recorded in the decision log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from models import audit
from models.action_lifecycle import OUTSTANDING
from models.dates import due_date_for
from models.db import any_of
from models.directory_lookup import DirectoryLookup
from models.lifecycle import STAGES, Stage
from models.review import Action, PanelMember, ReviewTask
from models.row_writes import update_row
from models.submission import Submission
from services.assignment import choose_assignee, choose_panel


def opened_payload(
    task_id: int,
    stage: str,
    round_: int,
    attempt: int,
    scope: list[str] | None,
    assignee_id: str | None,
    panel: list[dict[str, str]],
    due_date: date,
) -> dict[str, Any]:
    """The payload of a `task.opened` log entry (single and bulk intake alike)."""
    return {
        "task_id": task_id,
        "stage": stage,
        "round": round_,
        "attempt": attempt,
        "scope": scope,
        "assignee_id": assignee_id,
        "panel": panel,
        "due_date": due_date.isoformat(),
    }


def open_task(
    session: Session,
    submission: Submission,
    task: ReviewTask,
    on: date,
    *,
    log: list[audit.NewEntry] | None = None,
    directory: DirectoryLookup | None = None,
) -> ReviewTask:
    """Make `task` the current stage: assign it, give it a due date, log it. With `log`, the
    `task.opened` entry is added to it for the caller to append with the step's other entries
    (one head update a step); otherwise it is appended here. `directory`: the step's lookup,
    so that people and roles it already read are not read again."""
    stage = Stage(task.stage)
    # Chosen before the task changes, so the task is written in one UPDATE (a query would
    # otherwise flush it half-changed first).
    assignee_id = choose_assignee(
        session,
        stage,
        submission.dg_code,
        submission.scrutiny,
        submission.submitter_id,
        on,
        directory=directory,
    )
    due = due_date_for(on, STAGES[stage].due_working_days)
    opened = {
        "status": "open",
        "opened_at": datetime.now(UTC),
        "due_date": due,
        "assignee_id": assignee_id,
    }
    if task.id is not None:  # a stored review: one UPDATE now, nothing left to flush
        update_row(session, task, **opened)
    else:
        for name, value in opened.items():
            setattr(task, name, value)
        session.add(task)
        session.flush()  # its id, for the log entry and the panel
    panel: list[dict[str, str]] = []
    if stage == Stage.SERVICE_ASSESSMENT:
        if task.assignee_id:
            session.add(
                PanelMember(task_id=task.id or 0, person_id=task.assignee_id, panel_role="lead")
            )
        for person_id, discipline in choose_panel(
            session, task.assignee_id, submission.submitter_id, submission.phase
        ):
            session.add(
                PanelMember(
                    task_id=task.id or 0,
                    person_id=person_id,
                    panel_role="assessor",
                    discipline=discipline,
                )
            )
            panel.append({"person_id": person_id, "discipline": discipline})
    entry = audit.NewEntry(
        "task.opened",
        None,
        submission.id,
        opened_payload(
            task.id or 0,
            task.stage,
            task.round,
            task.attempt,
            task.scope,
            task.assignee_id,
            panel,
            due,
        ),
    )
    if log is not None:
        log.append(entry)
    else:
        audit.append_many(session, [entry])
    return task


def remaining_tasks(session: Session, submission_id: int) -> list[ReviewTask]:
    """The submission's open and pending reviews, in route order."""
    return list(session.exec(_remaining_query(), params={"submission_id": submission_id}).all())


@cache
def _remaining_query() -> SelectOfScalar[ReviewTask]:
    """`remaining_tasks`' query, taking `submission_id` as a parameter: built once."""
    return (
        select(ReviewTask)
        .where(
            col(ReviewTask.submission_id) == bindparam("submission_id", type_=Integer),
            any_of(col(ReviewTask.status), ("open", "pending")),
        )
        .order_by(col(ReviewTask.position))
    )


def cancel_remaining(
    session: Session, submission_id: int, remaining: Sequence[ReviewTask] | None = None
) -> list[int]:
    """Cancel every open or pending task (after reject, withdraw, or request changes);
    `remaining`: those tasks, when the caller has read them already."""
    cancelled = []
    if remaining is None:
        remaining = remaining_tasks(session, submission_id)
    for task in remaining:
        task.status = "cancelled"
        task.closed_at = datetime.now(UTC)
        session.add(task)
        cancelled.append(task.id or 0)
    return cancelled


def cancel_open_actions(session: Session, submission_id: int) -> list[int]:
    """Cancel conditions, amber actions and obligations still outstanding (open, sent back, or
    reported done and not yet confirmed) after reject or withdraw, so nobody is chased for
    work on a submission that will not go ahead."""
    cancelled = []
    for action in session.exec(
        select(Action).where(
            Action.submission_id == submission_id, col(Action.status).in_(OUTSTANDING)
        )
    ).all():
        action.status = "cancelled"
        session.add(action)
        cancelled.append(action.id or 0)
    return cancelled

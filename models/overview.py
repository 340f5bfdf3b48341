"""Read-only lists for people's home pages and the DG Digital Leader's overview.

Each list is bounded (`limit`) and served by an index, and each count reads open work or a
kept count, never a DG's whole history: pages stay fast however many submissions are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.lifecycle import Stage, State
from models.overview_counts import OpenTaskCount, SubmissionCount
from models.review import Decision, PanelMember, ReviewTask
from models.submission import Submission


@dataclass(frozen=True)
class TaskRow:
    """One line of a review queue: what a list shows, read as plain columns (building whole
    ORM objects for a list costs more than the query)."""

    submission_id: int
    title_cy: str
    title_en: str
    stage: str
    assignee_id: str | None
    due_date: date | None
    overdue: bool

    @property
    def reference(self) -> str:
        return f"DFR-{self.submission_id:05d}"

    def title(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title_en


def _queue_select() -> Any:
    """The columns a TaskRow is made of (review tasks joined to their submissions)."""
    return sa_select(  # six columns: more than sqlmodel's typed select() takes
        col(Submission.id),
        col(Submission.title_cy),
        col(Submission.title_en),
        col(ReviewTask.stage),
        col(ReviewTask.assignee_id),
        col(ReviewTask.due_date),
    ).join(Submission, col(Submission.id) == col(ReviewTask.submission_id))


def _queue(query: Any, session: Session, today: date) -> list[TaskRow]:
    return [
        TaskRow(sid, cy, en, stage, who, due, due is not None and due < today)
        for sid, cy, en, stage, who, due in session.exec(query).all()
    ]


def submissions_by(session: Session, person_id: str, limit: int = 50) -> list[Submission]:
    """A submitter's submissions, newest first."""
    return list(
        session.exec(
            select(Submission)
            .where(Submission.submitter_id == person_id)
            .order_by(col(Submission.id).desc())
            .limit(limit)
        ).all()
    )


def decided_by(
    session: Session, person_id: str, limit: int = 20
) -> list[tuple[Decision, Submission]]:
    """The reviews a person decided, latest first: their past reviews."""
    return [
        (decision, submission)
        for decision, submission in session.exec(
            select(Decision, Submission)
            .join(Submission, col(Submission.id) == col(Decision.submission_id))
            .where(Decision.actor_id == person_id)
            .order_by(col(Decision.decided_at).desc(), col(Decision.id).desc())
            .limit(limit)
        ).all()
    ]


def tasks_for(session: Session, person_id: str, today: date, limit: int = 50) -> list[TaskRow]:
    """Open review tasks assigned to a person, soonest due first."""
    query = (
        _queue_select()
        .where(ReviewTask.assignee_id == person_id, ReviewTask.status == "open")
        .order_by(col(ReviewTask.due_date), col(ReviewTask.id))
        .limit(limit)
    )
    return _queue(query, session, today)


def panels_for(session: Session, person_id: str, today: date, limit: int = 50) -> list[TaskRow]:
    """Open assessments `person_id` sits on as a panel member other than the lead (whose
    task it is): the submissions they must see, soonest due first."""
    sits_on = select(PanelMember.task_id).where(
        PanelMember.person_id == person_id, PanelMember.panel_role != "lead"
    )
    query = (
        _queue_select()
        .where(col(ReviewTask.id).in_(sits_on), ReviewTask.status == "open")
        .order_by(col(ReviewTask.due_date), col(ReviewTask.id))
        .limit(limit)
    )
    return _queue(query, session, today)


def overdue_in(
    session: Session, dg_codes: list[str], today: date, limit: int = 50
) -> list[TaskRow]:
    """Open tasks past their due date in the given DGs, most overdue first."""
    if not dg_codes:
        return []
    query = (
        _queue_select()
        .where(
            ReviewTask.status == "open",
            col(ReviewTask.dg_code).in_(dg_codes),
            col(ReviewTask.due_date) < today,
        )
        .order_by(col(ReviewTask.due_date), col(ReviewTask.id))
        .limit(limit)
    )
    return _queue(query, session, today)


@dataclass(frozen=True)
class StageGroup:
    stage: Stage
    total: int
    overdue: int
    rows: list[TaskRow]  # overdue first, then soonest due; at most `limit`


@dataclass(frozen=True)
class DgOverview:
    dg_code: str
    by_stage: list[StageGroup]
    by_state: dict[str, int]  # every state, finished ones included


def dg_overview(session: Session, dg_code: str, today: date, limit: int = 25) -> DgOverview:
    """Everything in a DG: open work by stage (overdue first), and a count per state.

    What it reads does not grow with the DG's history, nor with how much it has open: the
    counts are kept by the database (`models.overview_counts`), one row per state and one per
    stage and due date of open work; each stage's first rows come from the open tasks' index."""
    by_state = {
        state: count
        for state, count in session.exec(
            select(SubmissionCount.state, SubmissionCount.submissions).where(
                SubmissionCount.dg_code == dg_code
            )
        ).all()
    }
    overdue = case((col(OpenTaskCount.due_date) < today, col(OpenTaskCount.tasks)), else_=0)
    counts = {
        stage: (int(total), int(late or 0))
        for stage, total, late in session.exec(
            select(OpenTaskCount.stage, func.sum(OpenTaskCount.tasks), func.sum(overdue))
            .where(OpenTaskCount.dg_code == dg_code)
            .group_by(col(OpenTaskCount.stage))
        ).all()
    }
    in_dg = _queue_select().where(ReviewTask.dg_code == dg_code, ReviewTask.status == "open")
    groups = []
    for stage in Stage:
        total, late = counts.get(stage.value, (0, 0))
        rows = (
            _queue(
                in_dg.where(ReviewTask.stage == stage.value)
                # Soonest due first is overdue first: overdue tasks have the earliest dates.
                .order_by(col(ReviewTask.due_date), col(ReviewTask.id))
                .limit(limit),
                session,
                today,
            )
            if total
            else []
        )
        groups.append(StageGroup(stage, total, late, rows))
    # Every state, in the lifecycle's order (unfinished first), with a count of 0 when none.
    return DgOverview(dg_code, groups, {s.value: by_state.get(s.value, 0) for s in State})

"""Read-only lists for people's home pages and the DG Digital Leader's overview.

Each list is bounded (`limit`) and served by an index, and each count reads open work or a
kept count, never a DG's whole history: pages stay fast however many submissions are done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, String, bindparam, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import driver_sql
from models.db import any_of
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


def _queue(session: Session, query: Any, params: dict[str, Any], today: date) -> list[TaskRow]:
    """The rows of a built-once queue `query` (its columns those of `_queue_select`), read on
    the driver (`models.driver_sql`): a page shows up to three queues, and the ORM's
    execution around each cost more than the query."""
    return [
        TaskRow(sid, cy, en, stage, who, due, due is not None and due < today)
        for sid, cy, en, stage, who, due in driver_sql.read(session, query, params)
    ]


def _soonest_due(query: Any) -> Any:
    """`query` (of open tasks) soonest due first, at most `limit` rows."""
    return query.order_by(col(ReviewTask.due_date), col(ReviewTask.id)).limit(
        bindparam("limit", type_=Integer)
    )


@cache
def _assigned_query() -> Any:
    return _soonest_due(
        _queue_select().where(
            col(ReviewTask.assignee_id) == bindparam("person_id", type_=String),
            ReviewTask.status == "open",
        )
    )


@cache
def _panels_query() -> Any:
    sits_on = select(PanelMember.task_id).where(
        col(PanelMember.person_id) == bindparam("person_id", type_=String),
        PanelMember.panel_role != "lead",
    )
    return _soonest_due(
        _queue_select().where(col(ReviewTask.id).in_(sits_on), ReviewTask.status == "open")
    )


@cache
def _overdue_query(dg_codes: tuple[str, ...]) -> Any:
    return _soonest_due(
        _queue_select().where(
            ReviewTask.status == "open",
            any_of(col(ReviewTask.dg_code), dg_codes),
            col(ReviewTask.due_date) < bindparam("today", type_=Date),
        )
    )


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
    return _queue(session, _assigned_query(), {"person_id": person_id, "limit": limit}, today)


def panels_for(session: Session, person_id: str, today: date, limit: int = 50) -> list[TaskRow]:
    """Open assessments `person_id` sits on as a panel member other than the lead (whose
    task it is): the submissions they must see, soonest due first."""
    return _queue(session, _panels_query(), {"person_id": person_id, "limit": limit}, today)


def overdue_in(
    session: Session, dg_codes: list[str], today: date, limit: int = 50
) -> list[TaskRow]:
    """Open tasks past their due date in the given DGs, most overdue first."""
    if not dg_codes:
        return []
    query = _overdue_query(tuple(sorted(set(dg_codes))))
    return _queue(session, query, {"today": today, "limit": limit}, today)


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
        for state, count in driver_sql.read(session, _states_query(), {"dg_code": dg_code})
    }
    counts = {
        stage: (int(total), int(late or 0))
        for stage, total, late in driver_sql.read(
            session, _stages_query(), {"dg_code": dg_code, "today": today}
        )
    }
    groups = []
    for stage in Stage:
        total, late = counts.get(stage.value, (0, 0))
        params = {"dg_code": dg_code, "stage": stage.value, "limit": limit}
        rows = _queue(session, _stage_query(), params, today) if total else []
        groups.append(StageGroup(stage, total, late, rows))
    # Every state, in the lifecycle's order (unfinished first), with a count of 0 when none.
    return DgOverview(dg_code, groups, {s.value: by_state.get(s.value, 0) for s in State})


@cache
def _states_query() -> Any:
    """A DG's kept count of submissions per state."""
    return sa_select(col(SubmissionCount.state), col(SubmissionCount.submissions)).where(
        col(SubmissionCount.dg_code) == bindparam("dg_code", type_=String)
    )


@cache
def _stages_query() -> Any:
    """A DG's open work per stage, and how much of it is due before `today`, from the counts
    kept per stage and due date."""
    today = bindparam("today", type_=Date)
    overdue = case((col(OpenTaskCount.due_date) < today, col(OpenTaskCount.tasks)), else_=0)
    return (
        sa_select(col(OpenTaskCount.stage), func.sum(OpenTaskCount.tasks), func.sum(overdue))
        .where(col(OpenTaskCount.dg_code) == bindparam("dg_code", type_=String))
        .group_by(col(OpenTaskCount.stage))
    )


@cache
def _stage_query() -> Any:
    """A DG's open tasks at one stage (`stage`): soonest due, which is overdue, first (overdue
    tasks have the earliest dates)."""
    return _soonest_due(
        _queue_select().where(
            col(ReviewTask.dg_code) == bindparam("dg_code", type_=String),
            ReviewTask.status == "open",
            col(ReviewTask.stage) == bindparam("stage", type_=String),
        )
    )

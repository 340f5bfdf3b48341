"""Read-only queries for the front doors (CLI and web)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import String, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from dfr.errors import NotFoundError
from dfr.i18n import _
from models import driver_sql
from models.audit import LogEntry
from models.directory import Directorate, Person, RoleAssignment
from models.review import Action, Decision, ReviewTask, StandardRating
from models.submission import ChecklistAnswers, RaisedFlag, Submission


@dataclass(frozen=True)
class SubmissionDetail:
    submission: Submission
    answers: list[ChecklistAnswers]  # the latest round, one row per checklist
    flags: list[RaisedFlag]
    tasks: list[ReviewTask]
    decisions: list[Decision]
    ratings: dict[int, list[StandardRating]]
    actions: list[Action]
    history: list[LogEntry]


def parse_reference(reference: str) -> int:
    """Accept `12`, `DFR-00012` or `dfr-12`."""
    text = reference.strip().upper().removeprefix("DFR-")
    if not text.isdigit() or len(text) > 9:
        raise NotFoundError(
            _(
                "{reference} is not a submission reference; use a number or DFR-00012.",
                reference=reference,
            ),
            field="submission",
        )
    return int(text)


def submission_detail(session: Session, submission_id: int) -> SubmissionDetail:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFoundError(
            _("No submission {id}. Check the submission reference.", id=submission_id),
            field="submission",
        )
    sid, rnd = submission.id, submission.round
    decisions = list(
        session.exec(
            select(Decision).where(Decision.submission_id == sid).order_by(col(Decision.id))
        ).all()
    )
    ratings: dict[int, list[StandardRating]] = {}
    if decisions:
        for rating in session.exec(
            select(StandardRating)
            .where(col(StandardRating.decision_id).in_([d.id for d in decisions]))
            .order_by(col(StandardRating.standard_id))
        ).all():
            ratings.setdefault(rating.decision_id, []).append(rating)

    def latest(model: Any) -> list[Any]:
        return list(
            session.exec(
                select(model)
                .where(model.submission_id == sid, model.round == rnd)
                .order_by(model.id)
            ).all()
        )

    return SubmissionDetail(
        submission=submission,
        answers=latest(ChecklistAnswers),
        flags=latest(RaisedFlag),
        tasks=list(
            session.exec(
                select(ReviewTask)
                .where(ReviewTask.submission_id == sid)
                .order_by(col(ReviewTask.round), col(ReviewTask.position), col(ReviewTask.attempt))
            ).all()
        ),
        decisions=decisions,
        ratings=ratings,
        actions=list(
            session.exec(
                select(Action).where(Action.submission_id == sid).order_by(col(Action.id))
            ).all()
        ),
        history=list(
            session.exec(
                select(LogEntry).where(LogEntry.submission_id == sid).order_by(col(LogEntry.seq))
            ).all()
        ),
    )


def open_tasks(
    session: Session, assignee_id: str | None = None
) -> list[tuple[ReviewTask, Submission]]:
    """Open review tasks, oldest due first, optionally for one assignee (who must exist)."""
    if assignee_id and session.get(Person, assignee_id) is None:
        raise NotFoundError(_("Unknown person {person}.", person=assignee_id), field="assignee")
    query = (
        select(ReviewTask, Submission)
        .join(Submission, col(Submission.id) == col(ReviewTask.submission_id))
        .where(ReviewTask.status == "open")
        .order_by(col(ReviewTask.due_date), col(ReviewTask.id))
    )
    if assignee_id:
        query = query.where(ReviewTask.assignee_id == assignee_id)
    return [(task, submission) for task, submission in session.exec(query).all()]


def open_obligations(session: Session, submission_id: int) -> list[Action]:
    """The submission's obligations still open (such as "assessment due"), which a later
    round's answers move or cancel and a passing assessment fulfils."""
    return list(
        session.exec(
            select(Action).where(
                Action.submission_id == submission_id,
                Action.kind == "obligation",
                Action.status == "open",
            )
        ).all()
    )


def directorate(session: Session, code: str) -> Directorate | None:
    return session.get(Directorate, code)


def people_and_roles(session: Session) -> list[tuple[Person, list[str]]]:
    """Everyone, by name, with the ids of the roles they hold (the demo sign-in list)."""
    people = session.exec(select(Person).order_by(col(Person.name))).all()
    roles: dict[str, set[str]] = {}
    for person_id, role in session.exec(
        select(RoleAssignment.person_id, RoleAssignment.role)
    ).all():
        roles.setdefault(person_id, set()).add(role)
    return [(p, sorted(roles.get(p.id, ()))) for p in people]


def person(session: Session, person_id: str) -> Person | None:
    return session.get(Person, person_id)


def people_names(session: Session, person_ids: Iterable[str | None]) -> dict[str, str]:
    """The names of these people, by id (one query); an unknown id is left out."""
    wanted = sorted({person_id for person_id in person_ids if person_id})
    if not wanted:
        return {}
    params = {f"person_{i}": person_id for i, person_id in enumerate(wanted)}
    rows = driver_sql.read(session, _names_query(len(wanted)), params)
    return {person_id: name for person_id, name in rows}


@cache
def _names_query(count: int) -> Any:
    """`people_names`' query for `count` ids, built once per count (a page names a few
    people): the ids as `count` parameters, not a list spliced into the SQL at each run."""
    ids = [bindparam(f"person_{i}", type_=String) for i in range(count)]
    return sa_select(col(Person.id), col(Person.name)).where(col(Person.id).in_(ids))

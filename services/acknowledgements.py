"""Acknowledging every new submission to its submitter within 2 working days
(`models.acknowledgement`): when a reviewer first opens it (the web page or `dfr show`), or,
if nobody has opened it by the second working day, automatically by the reminder sweep
(`flows.remind`).

Exactly once per submission: the acknowledgement's row is keyed by the submission and written
under the submission's lock, so a second opening, a re-run of the sweep or two at once send
nothing twice. Each acknowledgement is a decision-log entry (`submission.acknowledged`), which
tells the submitter (`notifications.recipients`) and becomes a Prefect event.

A reviewer here is someone other than the submitter who holds an open review of the
submission (its assignee or someone covering for them) or may decide its open stage.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from models import audit
from models.acknowledgement import Acknowledgement, acknowledgement_due
from models.lifecycle import Stage, State
from models.review import ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.access import holds_review, load_actor, may_see, refusal_for
from services.intake import locked_submission

# How far back the sweep looks for submissions nobody acknowledged: a database that kept no
# acknowledgements before is not flooded with late ones for every old submission.
CATCH_UP_DAYS = 30


def acknowledgement_of(session: Session, submission_id: int) -> Acknowledgement | None:
    """The submission's acknowledgement, if it has been acknowledged."""
    return session.get(Acknowledgement, submission_id)


def _reviews(session: Session, submission: Submission, person_id: str, on: date) -> bool:
    if person_id == submission.submitter_id:
        return False
    for task in session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission.id, ReviewTask.status == "open"
        )
    ).all():
        if holds_review(session, task.assignee_id, person_id, on):
            return True
        if refusal_for(session, submission, Stage(task.stage), person_id, on) is None:
            return True
    return False


def _acknowledge(
    session: Session, submission_id: int, opened_by: str | None, on: date
) -> Acknowledgement | None:
    """Write the acknowledgement unless there is one already (under the submission's lock)."""
    submission = locked_submission(session, submission_id)
    if acknowledgement_of(session, submission_id) is not None:
        return None
    entry = audit.append(
        session,
        event="submission.acknowledged",
        actor_id=opened_by,
        submission_id=submission_id,
        payload={
            "opened_by": opened_by,
            "automatic": opened_by is None,
            "submitted_on": submission.submitted_on.isoformat(),
            "due": acknowledgement_due(submission.submitted_on).isoformat(),
        },
    )
    made = Acknowledgement(
        submission_id=submission_id, acknowledged_on=on, opened_by_id=opened_by, log_seq=entry.seq
    )
    session.add(made)
    session.flush()
    return made


def acknowledgement_owed(session: Session, person_id: str, submission_id: int) -> bool:
    """Whether `person_id` opening the submission now acknowledges it: it has not been
    acknowledged, they may see it and they are its reviewer. Reads only (a page checks this
    in its read-only transaction before taking a write lock)."""
    if acknowledgement_of(session, submission_id) is not None:
        return False
    actor, submission = load_actor(session, person_id), session.get(Submission, submission_id)
    if actor is None or submission is None:
        return False
    today = london_today()
    return may_see(session, actor, submission, today) and _reviews(
        session, submission, person_id, today
    )


def acknowledge_on_opening(
    session: Session, submission_id: int, person_id: str, *, on: date | None = None
) -> Acknowledgement | None:
    """A person opened the submission: if they are its reviewer and it has not been
    acknowledged yet, acknowledge it now. The new acknowledgement, or None (nothing to do).
    The caller has checked that the person may see the submission."""
    today = on or london_today()
    if acknowledgement_of(session, submission_id) is not None:
        return None  # the usual case: read only, no lock taken
    submission = session.get(Submission, submission_id)
    if submission is None or not _reviews(session, submission, person_id, today):
        return None
    return _acknowledge(session, submission_id, person_id, today)


def unacknowledged_due(session: Session, today: date) -> list[int]:
    """Submissions nobody has acknowledged whose 2 working days end today or have ended (within
    the catch-up window), oldest first; withdrawn ones are not acknowledged."""
    rows = session.exec(
        select(col(Submission.id), col(Submission.submitted_on))
        .outerjoin(Acknowledgement, col(Acknowledgement.submission_id) == col(Submission.id))
        .where(
            col(Acknowledgement.submission_id).is_(None),
            col(Submission.submitted_on) >= today - timedelta(days=CATCH_UP_DAYS),
            col(Submission.submitted_on) <= today,
            Submission.state != State.WITHDRAWN.value,
        )
        .order_by(col(Submission.id))
    ).all()
    return [sid or 0 for sid, submitted_on in rows if acknowledgement_due(submitted_on) <= today]


def acknowledge_due(session: Session, today: date | None = None) -> list[int]:
    """The sweep's step: acknowledge automatically every submission nobody opened within its 2
    working days; the ids of those acknowledged now (none the second time)."""
    day = today or london_today()
    made = [_acknowledge(session, sid, None, day) for sid in unacknowledged_due(session, day)]
    return [a.submission_id for a in made if a is not None]

"""Moving reviews between people: reassigning one task, and absence cover (delegation).
Each move states its reason and is written to the decision log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import union
from sqlmodel import Session, col, select

from dfr import labels
from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from dfr.labels import either, label
from models import audit, text_limits
from models.directory import Delegation, Directorate, Person, RoleAssignment
from models.lifecycle import Role, Stage
from models.review import ReviewTask
from models.submission import Submission
from models.text_limits import within
from models.working_days import london_today
from services.access import MANAGERS, may_reassign, refusal_for
from services.intake import locked_submission


def _require_person(session: Session, person_id: str, field: str) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the id.", person=person_id), field=field
        )
    return person


def _move(
    session: Session, submission: Submission, task: ReviewTask, to: str, reason: str, actor: str
) -> None:
    previous = task.assignee_id
    task.assignee_id = to
    session.add(task)
    audit.append(
        session,
        event="task.reassigned",
        actor_id=actor,
        submission_id=submission.id,
        payload={
            "task_id": task.id,
            "stage": task.stage,
            "from": previous,
            "assignee_id": to,
            "reason": reason,
            "due_date": task.due_date.isoformat() if task.due_date else None,
            "scope": task.scope,
        },
    )


def _require_manager(session: Session, actor_id: str, submission: Submission) -> None:
    if not may_reassign(session, actor_id, submission.dg_code):
        raise PermissionDeniedError(
            _(
                "Only {managers} can reassign reviews in {dg}; {person} cannot.",
                managers=either(
                    [label(labels.ROLE_HOLDERS, r) for r in (*MANAGERS, Role.DIGITAL_LEADER)]
                ),
                dg=submission.dg_code,
                person=actor_id,
            ),
            field="actor",
        )


def reassignable_review(
    session: Session, actor_id: str, submission: Submission, task_id: int
) -> ReviewTask:
    """Open review `task_id` of `submission`, if `actor_id` may reassign it (what the reassign
    page is shown for); otherwise raises why not."""
    task = session.get(ReviewTask, task_id)
    if task is None or task.submission_id != submission.id or task.status != "open":
        raise NotFoundError(_("There is no such review for this submission."))
    _require_manager(session, actor_id, submission)
    return task


def reassign(
    session: Session,
    submission_id: int,
    stage: str,
    to: str,
    reason: str,
    actor_id: str,
    on: date | None = None,
) -> ReviewTask:
    """Give the open `stage` of a submission to someone else who may decide it."""
    on = on or london_today()
    if not reason.strip():
        raise ValidationError(_("Give a reason for the reassignment."), field="reason")
    within(reason, text_limits.REASON, "reason")
    _require_person(session, actor_id, "actor")
    submission = locked_submission(session, submission_id)
    _require_manager(session, actor_id, submission)
    task = session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission.id,
            ReviewTask.stage == stage,
            ReviewTask.status == "open",
        )
    ).one_or_none()
    if task is None:
        raise TransitionError(
            _(
                "The {stage} of {reference} is not open, so it cannot be reassigned.",
                stage=label(labels.STAGES, stage),
                reference=submission.reference,
            ),
            field="stage",
        )
    _require_person(session, to, "to")
    refusal = refusal_for(session, submission, Stage(task.stage), to, on)
    if refusal:
        raise PermissionDeniedError(refusal, field="to")
    if task.assignee_id == to:
        raise ValidationError(_("{person} is already assigned this review.", person=to), field="to")
    _move(session, submission, task, to, reason.strip(), actor_id)
    session.flush()
    return task


def delegate(
    session: Session,
    person_id: str,
    delegate_id: str,
    starts_on: date,
    ends_on: date,
    reason: str,
    actor_id: str,
    on: date | None = None,
) -> tuple[Delegation, list[int]]:
    """Absence cover: `delegate_id` takes `person_id`'s reviews from `starts_on` to `ends_on`.

    Open tasks already assigned to the absent person move now if the cover has started.
    Returns the delegation and the ids of the submissions whose tasks moved.
    """
    on = on or london_today()
    if not reason.strip():
        raise ValidationError(_("Give a reason for the absence cover."), field="reason")
    within(reason, text_limits.REASON, "reason")
    if ends_on < starts_on:
        raise ValidationError(
            _("The cover must end on or after the day it starts."), field="ends_on"
        )
    if person_id == delegate_id:
        raise ValidationError(_("A person cannot cover for themselves."), field="to")
    _require_person(session, person_id, "person")
    _require_person(session, delegate_id, "to")
    _require_person(session, actor_id, "actor")
    if actor_id != person_id and not arranges_cover_for_others(session, actor_id):
        raise PermissionDeniedError(
            _(
                "Only {person} or an administrator can arrange cover for {person}.",
                person=person_id,
            ),
            field="actor",
        )
    delegation = Delegation(
        person_id=person_id,
        delegate_id=delegate_id,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
    )
    session.add(delegation)
    session.flush()
    audit.append(
        session,
        event="delegation.created",
        actor_id=actor_id,
        submission_id=None,
        payload={
            "delegation_id": delegation.id,
            "person_id": person_id,
            "delegate_id": delegate_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "reason": delegation.reason,
        },
    )
    moved: list[int] = []
    if starts_on <= on <= ends_on:
        for task in session.exec(
            select(ReviewTask).where(
                ReviewTask.assignee_id == person_id, ReviewTask.status == "open"
            )
        ).all():
            submission = locked_submission(session, task.submission_id)
            if submission.submitter_id == delegate_id:
                continue  # never their own submission: it stays with the absent reviewer
            cover = f"absence cover #{delegation.id}: {delegation.reason}"
            _move(session, submission, task, delegate_id, cover, actor_id)
            moved.append(task.submission_id)
    session.flush()
    return delegation, moved


# -- what the cover page shows --------------------------------------------------------------

REVIEWING = (
    Role.COE,
    Role.CATEGORY_MANAGER,
    Role.LEAD_ASSESSOR,
    Role.ASSESSOR,
    Role.ADMIN,
)


def arranges_cover_for_others(session: Session, actor_id: str) -> bool:
    """Administrators and the Digital CoE arrange anyone's cover; everyone else their own."""
    return may_reassign(session, actor_id, None)


def reviewers(session: Session) -> list[Person]:
    """Everyone who reviews (a reviewing role, or a DG's Digital Leader), by name: who may be
    away, and who may cover."""
    with_role = select(RoleAssignment.person_id).where(
        col(RoleAssignment.role).in_([r.value for r in REVIEWING])
    )
    leaders = select(col(Directorate.digital_leader_id))
    # One list of ids, each person then found by their key: `in_(a) | in_(b)` read every
    # person in the directory to test each against both.
    return list(
        session.exec(
            select(Person)
            .where(col(Person.id).in_(union(with_role, leaders)))
            .order_by(col(Person.name))
        ).all()
    )


@dataclass(frozen=True)
class Cover:
    delegation: Delegation
    away: str  # names
    covering: str


def covers(session: Session, person_id: str | None, on: date) -> list[Cover]:
    """Cover running now or still to come: `person_id`'s (away or covering), or everyone's
    when None; soonest first."""
    query = select(Delegation).where(col(Delegation.ends_on) >= on)
    if person_id is not None:
        query = query.where(
            (Delegation.person_id == person_id) | (Delegation.delegate_id == person_id)
        )
    found = session.exec(query.order_by(col(Delegation.starts_on), col(Delegation.id))).all()
    ids = {d.person_id for d in found} | {d.delegate_id for d in found}
    names = {
        p.id: p.name for p in session.exec(select(Person).where(col(Person.id).in_(ids))).all()
    }
    return [Cover(d, names[d.person_id], names[d.delegate_id]) for d in found]

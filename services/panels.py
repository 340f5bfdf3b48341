"""Booking a Service Standard assessment and its panel, panel members' declarations of
interests, and the service team's links to evidence. Every front door calls these.

When a submission reaches its assessment (the `service_assessment` review is open):

- the Digital Centre of Excellence, or the assessment's lead assessor (the review's assignee, or
  someone covering for them), books a date at least `DFR_ASSESSMENT_NOTICE_WEEKS` weeks ahead
  (4 by default; GDS service assessments) and the panel: an assessor for user research, design
  and technology, a performance analyst at beta and live, observers if wanted. Booking again
  changes the date or the panel;
- each member of the panel (the lead too) declares their interests: none, or a conflict — what
  and why. A conflict takes them off this panel at once (a lead's review is left without a
  lead) and the CoE is told to replace them;
- the CoE (or the lead) puts someone else in an empty or conflicted seat;
- the submitter adds links to the team's evidence for the panel.

Booking is refused while amber actions from the submission's last assessment are outstanding
(`services.next_assessment`), and, for a submission flagged for a panel led by the Digital
CoE (`coe_led_assessment_panel`), until its lead assessor is in the Digital CoE.

Declaring interests and adding evidence are in `services.panel_declarations`.

Deny by default: someone who may not see the submission is told it does not exist. A refusal
writes nothing and is logged (`dfr.services.panels`, INFO). Each step is one decision-log
entry in the same transaction; the entry tells people (`notifications.recipients`) and
becomes a Prefect event (`flows.events`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import TypeVar

from sqlmodel import Session, col, select

from checklists.loader import Registry
from checklists.loader import registry as checklist_registry
from dfr import labels
from dfr.dates import long_date
from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _, get_language
from dfr.labels import label
from dfr.settings import get_settings
from models import audit
from models.assessment_panel import (
    AssessmentBooking,
    InterestDeclaration,
    booking_of,
    disciplines_for,
)
from models.directory import RoleAssignment
from models.lifecycle import Role, Stage
from models.review import PanelMember, ReviewTask
from models.submission import RaisedFlag, Submission
from models.working_days import london_today
from services.access import Actor, load_actor, log_privacy_refusal, may_see, not_found
from services.assignment import delegators_of
from services.intake import locked_submission
from services.next_assessment import refuse_while_amber_open
from services.refusals import REFUSALS, log_refusal

log = logging.getLogger("dfr.services.panels")
T = TypeVar("T")
DESCRIPTION_LIMIT = 200
# More than 100,000 transactions a year: the Digital CoE leads the panel (checklists/data/
# digital_options, after the UK's scope rule for cross-government assessment panels).
COE_LED_FLAG = "coe_led_assessment_panel"


def logged_step(what: str, actor_id: str, submission_id: int, step: Callable[[], T]) -> T:
    """Run `step`; a refusal is logged with the person and the submission, then raised."""
    try:
        return step()
    except REFUSALS as refusal:
        log_refusal(log, what, actor_id, refusal, submission_id=submission_id)
        raise


def visible_for(
    session: Session, actor_id: str, submission_id: int, on: date
) -> tuple[Actor, Submission]:
    """The actor and the submission (locked), or "not found" alike for a missing submission
    and one the actor may not see."""
    actor = load_actor(session, actor_id)
    if actor is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the person id.", person=actor_id), field="actor"
        )
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise not_found(submission_id)
    if not may_see(session, actor, submission, on):
        log_privacy_refusal(actor.id, "assessment", submission_id)
        raise not_found(submission_id)
    return actor, locked_submission(session, submission_id)


def open_assessment(session: Session, submission: Submission) -> ReviewTask:
    """The submission's open Service Standard assessment; refused when it has none now."""
    task = assessment_task(session, submission)
    if task is None:
        raise TransitionError(
            _(
                "{reference} is not at its Service Standard assessment now, so there is no "
                "assessment to book or prepare.",
                reference=submission.reference,
            ),
            field="submission",
        )
    return task


def assessment_task(session: Session, submission: Submission) -> ReviewTask | None:
    """The open Service Standard assessment of the submission, if there is one."""
    return session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission.id,
            ReviewTask.stage == Stage.SERVICE_ASSESSMENT.value,
            ReviewTask.status == "open",
        )
    ).one_or_none()


def arranges_panel(session: Session, actor: Actor, task: ReviewTask, on: date) -> bool:
    """The Digital CoE, or the assessment's lead (its assignee, or someone covering for them)."""
    if actor.holds(Role.COE):
        return True
    lead = task.assignee_id
    return lead is not None and (actor.id == lead or lead in delegators_of(session, actor.id, on))


def _require_arranger(session: Session, actor: Actor, task: ReviewTask, on: date) -> None:
    if not arranges_panel(session, actor, task, on):
        raise PermissionDeniedError(
            _(
                "Only the Digital Centre of Excellence or this assessment's lead assessor can "
                "book it and choose its panel."
            ),
            field="actor",
        )


def conflicted_people(session: Session, task_id: int) -> set[str]:
    """Who has declared a conflict of interests for this assessment."""
    return set(
        session.exec(
            select(InterestDeclaration.person_id).where(
                InterestDeclaration.task_id == task_id,
                col(InterestDeclaration.conflicted).is_(True),
            )
        ).all()
    )


def panel_members(session: Session, task_id: int) -> list[PanelMember]:
    return list(
        session.exec(
            select(PanelMember).where(PanelMember.task_id == task_id).order_by(col(PanelMember.id))
        ).all()
    )


def _check_seat(
    session: Session,
    submission: Submission,
    task: ReviewTask,
    discipline: str,
    person_id: str,
    conflicted: set[str],
) -> None:
    field = f"panel.{discipline}"
    what = label(labels.DISCIPLINES, discipline)
    if not person_id:
        raise ValidationError(_("Choose the {discipline} assessor.", discipline=what), field=field)
    if person_id == submission.submitter_id:
        raise ValidationError(
            _("{person} made this submission and cannot assess it.", person=person_id),
            field=field,
        )
    if person_id == task.assignee_id:
        raise ValidationError(
            _(
                "{person} leads this assessment and cannot also take a seat on it.",
                person=person_id,
            ),
            field=field,
        )
    if person_id in conflicted:
        raise ValidationError(
            _(
                "{person} has declared a conflict of interests for this assessment; choose "
                "someone else.",
                person=person_id,
            ),
            field=field,
        )
    holds = session.exec(
        select(RoleAssignment.id).where(
            RoleAssignment.person_id == person_id,
            RoleAssignment.role == Role.ASSESSOR.value,
            RoleAssignment.discipline == discipline,
        )
    ).first()
    if holds is None:
        raise ValidationError(
            _(
                "{person} is not a {discipline} assessor; choose someone who is.",
                person=person_id,
                discipline=what,
            ),
            field=field,
        )


def _check_panel(
    session: Session,
    submission: Submission,
    task: ReviewTask,
    panel: Mapping[str, str],
    observers: Sequence[str],
) -> None:
    needed = disciplines_for(submission.phase)
    extra = sorted(set(panel) - set(needed))
    if extra:
        raise ValidationError(
            _(
                "This assessment's panel has no seat for: {seats}.",
                seats=", ".join(label(labels.DISCIPLINES, d) for d in extra),
            ),
            field=f"panel.{extra[0]}",
        )
    conflicted = conflicted_people(session, task.id or 0)
    seen: set[str] = set()
    for discipline in needed:
        person_id = panel.get(discipline, "")
        _check_seat(session, submission, task, discipline, person_id, conflicted)
        if person_id in seen:
            raise ValidationError(
                _("{person} can take only one seat on the panel.", person=person_id),
                field=f"panel.{discipline}",
            )
        seen.add(person_id)
    for person_id in observers:
        if load_actor(session, person_id) is None:
            raise ValidationError(
                _("Unknown person {person}. Check the person id.", person=person_id),
                field="observers",
            )
        if person_id in seen | {submission.submitter_id, task.assignee_id} | conflicted:
            raise ValidationError(
                _(
                    "{person} cannot observe this assessment: they made the submission, sit "
                    "on the panel or have declared a conflict of interests.",
                    person=person_id,
                ),
                field="observers",
            )


def _check_coe_lead(session: Session, submission: Submission, task: ReviewTask) -> None:
    """A submission flagged for a CoE-led panel is assessed by a lead from the Digital CoE."""
    flagged = session.exec(
        select(RaisedFlag.id).where(
            RaisedFlag.submission_id == submission.id,
            RaisedFlag.round == submission.round,
            RaisedFlag.flag_id == COE_LED_FLAG,
        )
    ).first()
    lead = load_actor(session, task.assignee_id or "")
    if flagged is None or lead is None or lead.holds(Role.COE):
        return
    raise TransitionError(
        _(
            "{reference} is flagged for an assessment panel led by the Digital Centre of "
            "Excellence, and its lead assessor, {person}, is not in the Digital CoE. Reassign "
            "the assessment to a lead assessor from the Digital CoE, then book it.",
            reference=submission.reference,
            person=lead.person.name,
        ),
        field="lead",
    )


def _check_date(assessment_date: date, on: date) -> None:
    weeks = get_settings().assessment_notice_weeks
    earliest = on + timedelta(weeks=weeks)
    if assessment_date < on:
        raise ValidationError(
            _(
                "{date} is in the past; book a date on or after {earliest}.",
                date=long_date(assessment_date, get_language()),
                earliest=long_date(earliest, get_language()),
            ),
            field="date",
        )
    if assessment_date < earliest:
        raise ValidationError(
            _(
                "Book the assessment at least {weeks} weeks ahead, so the panel and the team "
                "can prepare: on or after {earliest}.",
                weeks=weeks,
                earliest=long_date(earliest, get_language()),
            ),
            field="date",
        )


def _seat(
    session: Session, task: ReviewTask, panel: Mapping[str, str], observers: Sequence[str]
) -> None:
    """Make the panel rows say exactly this (the lead's row is the review's assignee)."""
    wanted = {(p, "assessor", d) for d, p in panel.items()} | {
        (p, "observer", None) for p in observers
    }
    if task.assignee_id:
        wanted.add((task.assignee_id, "lead", None))
    for member in panel_members(session, task.id or 0):
        if (member.person_id, member.panel_role, member.discipline) in wanted:
            wanted.discard((member.person_id, member.panel_role, member.discipline))
        else:
            session.delete(member)
    session.flush()
    for person_id, role, discipline in sorted(wanted, key=lambda w: (w[1], w[0])):
        session.add(
            PanelMember(
                task_id=task.id or 0, person_id=person_id, panel_role=role, discipline=discipline
            )
        )
    session.flush()


def _panel_payload(
    task: ReviewTask, panel: Mapping[str, str], observers: Sequence[str]
) -> dict[str, object]:
    return {
        "task_id": task.id,
        "lead_id": task.assignee_id,
        "panel": [{"discipline": d, "person_id": p} for d, p in panel.items()],
        "observers": list(observers),
    }


def book_assessment(
    session: Session,
    submission_id: int,
    actor_id: str,
    assessment_date: date,
    panel: Mapping[str, str],
    observers: Sequence[str] = (),
    *,
    on: date | None = None,
    registry: Registry | None = None,
) -> AssessmentBooking:
    """Book (or book again) the assessment's date and panel; see the module docstring."""
    today = on or london_today()
    return logged_step(
        "assessment booking",
        actor_id,
        submission_id,
        lambda: _book(
            session, submission_id, actor_id, assessment_date, panel, observers, today, registry
        ),
    )


def _book(
    session: Session,
    submission_id: int,
    actor_id: str,
    assessment_date: date,
    panel: Mapping[str, str],
    observers: Sequence[str],
    on: date,
    registry: Registry | None,
) -> AssessmentBooking:
    actor, submission = visible_for(session, actor_id, submission_id, on)
    task = open_assessment(session, submission)
    _require_arranger(session, actor, task, on)
    if task.assignee_id is None:
        raise TransitionError(
            _(
                "This assessment has no lead assessor: reassign the review to a lead assessor "
                "first, then book it."
            ),
            field="lead",
        )
    _check_coe_lead(session, submission, task)
    refuse_while_amber_open(session, task, registry or checklist_registry())
    _check_date(assessment_date, on)
    ordered = {d: panel.get(d, "") for d in disciplines_for(submission.phase)} | dict(panel)
    observers = list(dict.fromkeys(o for o in observers if o))
    _check_panel(session, submission, task, ordered, observers)
    booking = booking_of(session, task.id or 0)
    rebooked = booking is not None
    booking = booking or AssessmentBooking(
        task_id=task.id or 0,
        submission_id=submission.id or 0,
        assessment_date=assessment_date,
        booked_by_id=actor_id,
    )
    booking.assessment_date, booking.booked_by_id = assessment_date, actor_id
    session.add(booking)
    _seat(session, task, ordered, observers)
    audit.append(
        session,
        event="assessment.booked",
        actor_id=actor_id,
        submission_id=submission.id,
        payload={
            **_panel_payload(task, ordered, observers),
            "assessment_date": assessment_date.isoformat(),
            "rebooked": rebooked,
        },
    )
    session.flush()
    return booking


def replace_assessor(
    session: Session,
    submission_id: int,
    actor_id: str,
    discipline: str,
    person_id: str,
    *,
    on: date | None = None,
) -> PanelMember:
    """Put `person_id` in the `discipline` seat of a booked panel (after a conflict, or an
    assessor who cannot come); the date stays."""
    today = on or london_today()
    return logged_step(
        "panel replacement",
        actor_id,
        submission_id,
        lambda: _replace(session, submission_id, actor_id, discipline, person_id, today),
    )


def _replace(
    session: Session, submission_id: int, actor_id: str, discipline: str, person_id: str, on: date
) -> PanelMember:
    actor, submission = visible_for(session, actor_id, submission_id, on)
    task = open_assessment(session, submission)
    _require_arranger(session, actor, task, on)
    booking = booking_of(session, task.id or 0)
    if booking is None:
        raise TransitionError(
            _("This assessment has not been booked yet: book its date and panel first."),
            field="date",
        )
    if discipline not in disciplines_for(submission.phase):
        raise ValidationError(
            _(
                "This assessment's panel has no seat for: {seats}.",
                seats=label(labels.DISCIPLINES, discipline),
            ),
            field="discipline",
        )
    members = panel_members(session, task.id or 0)
    panel = {m.discipline or "": m.person_id for m in members if m.panel_role == "assessor"}
    observers = [m.person_id for m in members if m.panel_role == "observer"]
    before = panel.get(discipline)
    panel[discipline] = person_id
    if person_id in observers:
        observers.remove(person_id)
    _check_panel(session, submission, task, panel, observers)
    _seat(session, task, panel, observers)
    audit.append(
        session,
        event="panel.member_replaced",
        actor_id=actor_id,
        submission_id=submission.id,
        payload={
            **_panel_payload(task, panel, observers),
            "assessment_date": booking.assessment_date.isoformat(),
            "discipline": discipline,
            "from": before,
            "to": person_id,
        },
    )
    session.flush()
    return next(m for m in panel_members(session, task.id or 0) if m.person_id == person_id)

"""A panel member's declaration of interests (none, or a conflict: what and why, which takes
them off the panel at once; a lead's review is left without a lead for the CoE to reassign),
and the service team's links to its evidence for the panel. Observers declare too (a conflicted
observer takes no seat); the lead's and every observer's declaration, and the assessment day,
come before the ratings are settled (`require_ready_to_settle`). See `services.panels` for the
whole booking; a refusal writes nothing and is logged (`dfr.services.panels`)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from dfr import labels
from dfr.dates import long_date
from dfr.errors import PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _, get_language
from dfr.labels import label
from models import audit, text_limits
from models.action_lifecycle import evidence_link
from models.assessment_panel import EVIDENCE_KINDS, EvidenceLink, InterestDeclaration, booking_of
from models.directory import Person
from models.review import ReviewTask
from models.text_limits import within
from models.working_days import london_today
from services.panels import (
    logged_step,
    open_assessment,
    panel_members,
    visible_for,
)

DESCRIPTION_LIMIT = 200


def declare_interests(
    session: Session,
    submission_id: int,
    person_id: str,
    conflicted: bool,
    detail: str = "",
    *,
    on: date | None = None,
) -> InterestDeclaration:
    """A panel member declares their interests for this assessment: none, or a conflict with
    what it is and why (which takes them off the panel). Declaring the same again changes
    nothing; a member who declared none may declare a conflict later."""
    today = on or london_today()
    return logged_step(
        "declaration of interests",
        person_id,
        submission_id,
        lambda: _declare(session, submission_id, person_id, conflicted, detail, today),
    )


def _declare(
    session: Session, submission_id: int, person_id: str, conflicted: bool, detail: str, on: date
) -> InterestDeclaration:
    _actor, submission = visible_for(session, person_id, submission_id, on)
    task = open_assessment(session, submission)
    detail = detail.strip()
    if conflicted and not detail:
        raise ValidationError(
            _("Say what the conflict of interests is and why it matters."), field="detail"
        )
    within(detail, text_limits.REASON, "detail")
    existing = session.exec(
        select(InterestDeclaration).where(
            InterestDeclaration.task_id == task.id, InterestDeclaration.person_id == person_id
        )
    ).one_or_none()
    if existing is not None and (existing.conflicted or not conflicted):
        return existing  # said already: a second declaration of the same is a no-op
    seat = next((m for m in panel_members(session, task.id or 0) if m.person_id == person_id), None)
    if seat is None:
        raise PermissionDeniedError(
            _("Only members of this assessment's panel declare interests for it."),
            field="actor",
        )
    event = "panel.conflict_declared" if conflicted else "panel.interests_declared"
    entry = audit.append(
        session,
        event=event,
        actor_id=person_id,
        submission_id=submission.id,
        payload={
            "task_id": task.id,
            "person_id": person_id,
            "panel_role": seat.panel_role,
            "discipline": seat.discipline,
            "conflicted": conflicted,
            "detail": detail,
        },
    )
    declaration = existing or InterestDeclaration(
        task_id=task.id or 0,
        person_id=person_id,
        panel_role=seat.panel_role,
        conflicted=False,
        log_seq=entry.seq,
    )
    declaration.discipline, declaration.conflicted = seat.discipline, conflicted
    declaration.detail, declaration.log_seq = detail, entry.seq
    session.add(declaration)
    if conflicted:
        session.delete(seat)  # off this panel at once
        if seat.panel_role == "lead" and task.assignee_id == person_id:
            task.assignee_id = None  # the CoE gives the review to another lead
            session.add(task)
    session.flush()
    return declaration


def add_evidence(
    session: Session,
    submission_id: int,
    actor_id: str,
    kind: str,
    url: str,
    description: str,
    *,
    on: date | None = None,
) -> EvidenceLink:
    """The submitter gives the panel a link to the team's evidence."""
    today = on or london_today()
    return logged_step(
        "evidence link",
        actor_id,
        submission_id,
        lambda: _add_evidence(session, submission_id, actor_id, kind, url, description, today),
    )


def _add_evidence(
    session: Session,
    submission_id: int,
    actor_id: str,
    kind: str,
    url: str,
    description: str,
    on: date,
) -> EvidenceLink:
    _actor, submission = visible_for(session, actor_id, submission_id, on)
    task = open_assessment(session, submission)
    if actor_id != submission.submitter_id:
        raise PermissionDeniedError(
            _("Only the person who made the submission adds its evidence for the panel."),
            field="actor",
        )
    if kind not in EVIDENCE_KINDS:
        raise ValidationError(
            _(
                "Choose what the evidence is: {kinds}.",
                kinds=", ".join(label(labels.EVIDENCE_KINDS, k) for k in EVIDENCE_KINDS),
            ),
            field="kind",
        )
    link = evidence_link(url)
    description = description.strip()
    if not description:
        raise ValidationError(_("Say in a few words what the link shows."), field="description")
    within(description, DESCRIPTION_LIMIT, "description")
    evidence = EvidenceLink(
        task_id=task.id or 0,
        submission_id=submission.id or 0,
        kind=kind,
        url=link,
        description=description,
        added_by_id=actor_id,
    )
    session.add(evidence)
    session.flush()
    audit.append(
        session,
        event="assessment.evidence_added",
        actor_id=actor_id,
        submission_id=submission.id,
        payload={
            "task_id": task.id,
            "evidence_id": evidence.id,
            "kind": kind,
            "url": link,
            "description": description,
        },
    )
    session.flush()
    return evidence


def require_ready_to_settle(session: Session, task: ReviewTask, on: date) -> None:
    """Settling waits for the assessment day, and for the lead's and every observer's
    declaration of interests (each is made before the assessment)."""
    booking = booking_of(session, task.id or 0)
    if booking is None:
        raise TransitionError(
            _(
                "This assessment has not been booked yet: book its date and panel, hold the "
                "assessment, then settle its ratings."
            ),
            field="date",
        )
    if on < booking.assessment_date:
        raise TransitionError(
            _(
                "The assessment is booked for {date}: settle its ratings on or after that day, "
                "once the panel has met.",
                date=long_date(booking.assessment_date, get_language()),
            ),
            field="date",
        )
    declared = {
        d.person_id
        for d in session.exec(
            select(InterestDeclaration).where(InterestDeclaration.task_id == task.id)
        ).all()
    }
    lead = session.get(Person, task.assignee_id) if task.assignee_id else None
    if lead is not None and lead.id not in declared:
        raise TransitionError(
            _(
                "The lead assessor, {person}, has not declared their interests for this "
                "assessment: they declare them on the assessment page before the ratings are "
                "settled.",
                person=lead.name,
            ),
            field="actor",
        )
    undeclared = [
        found.name if (found := session.get(Person, m.person_id)) else m.person_id
        for m in panel_members(session, task.id or 0)
        if m.panel_role == "observer" and m.person_id not in declared
    ]
    if undeclared:
        raise TransitionError(
            _(
                "Observers declare their interests before the assessment too; waiting for: "
                "{names}. Ask them to declare on the assessment page.",
                names=", ".join(undeclared),
            ),
            field="actor",
        )

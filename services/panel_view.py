"""What a person sees of an open assessment's booking: the date, the panel seat by seat with
each member's declaration, conflicts declared, the team's evidence, and which steps are theirs
(the assessment page and `dfr assessments show` read this; the rules are `services.panels`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from checklists.loader import registry as checklist_registry
from dfr.errors import NotFoundError
from dfr.i18n import _
from dfr.settings import get_settings
from models.assessment_panel import (
    AssessmentBooking,
    EvidenceLink,
    InterestDeclaration,
    booking_of,
    disciplines_for,
)
from models.directory import Person, RoleAssignment
from models.lifecycle import Role
from models.review import ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.access import Actor, load_actor, visible_submission
from services.next_assessment import reassessed_standards
from services.panels import arranges_panel, open_assessment, panel_members


@dataclass(frozen=True)
class Seat:
    role: str  # lead | assessor | observer
    discipline: str | None
    person: Person | None  # None: an empty seat (nobody yet, or taken off for a conflict)
    declaration: InterestDeclaration | None


@dataclass(frozen=True)
class PanelView:
    submission: Submission
    task: ReviewTask
    booking: AssessmentBooking | None
    seats: list[Seat]  # the lead first, then each discipline's seat, then observers
    conflicts: list[tuple[str, InterestDeclaration]]  # (name, declaration)
    evidence: list[EvidenceLink]
    may_arrange: bool
    may_add_evidence: bool
    my_declaration: InterestDeclaration | None
    on_panel: bool
    earliest: date
    candidates: dict[str, list[Person]] = field(default_factory=dict)
    observer_candidates: list[Person] = field(default_factory=list)
    reassessing: list[str] = field(default_factory=list)  # a reassessment's standards, named

    @property
    def must_declare(self) -> bool:
        """The visitor sits on the panel and has not declared their interests yet."""
        return self.on_panel and self.my_declaration is None

    @property
    def empty_seats(self) -> list[Seat]:
        return [s for s in self.seats if s.person is None and s.role != "observer"]


def _person(session: Session, person_id: str | None) -> Person | None:
    return session.get(Person, person_id) if person_id else None


def _candidates(
    session: Session, submission: Submission, task: ReviewTask, conflicted: set[str]
) -> tuple[dict[str, list[Person]], list[Person]]:
    """Who may take each seat, and who may observe, by name."""
    barred = conflicted | {submission.submitter_id, task.assignee_id or ""}
    seats: dict[str, list[Person]] = {}
    for discipline in disciplines_for(submission.phase):
        ids = session.exec(
            select(RoleAssignment.person_id).where(
                RoleAssignment.role == Role.ASSESSOR.value,
                RoleAssignment.discipline == discipline,
            )
        ).all()
        people = [p for p in (session.get(Person, i) for i in sorted(set(ids))) if p]
        seats[discipline] = sorted((p for p in people if p.id not in barred), key=lambda p: p.name)
    observers = session.exec(
        select(Person).where(col(Person.id).not_in(sorted(barred))).order_by(col(Person.name))
    ).all()
    return seats, list(observers)


def panel_view(
    session: Session, actor: Actor, submission_id: int, on: date | None = None
) -> PanelView:
    """The open assessment of a submission the actor may see; "not found" otherwise, and a
    refusal when the submission is not at its assessment."""
    on = on or london_today()
    submission = visible_submission(session, actor, submission_id, on)
    task = open_assessment(session, submission)
    members = panel_members(session, task.id or 0)
    declarations = {
        d.person_id: d
        for d in session.exec(
            select(InterestDeclaration).where(InterestDeclaration.task_id == task.id)
        ).all()
    }
    lead = _person(session, task.assignee_id)
    seats = [Seat("lead", None, lead, declarations.get(lead.id) if lead else None)]
    by_discipline = {m.discipline: m for m in members if m.panel_role == "assessor"}
    for discipline in disciplines_for(submission.phase):
        member = by_discipline.get(discipline)
        person = _person(session, member.person_id) if member else None
        seats.append(
            Seat("assessor", discipline, person, declarations.get(person.id) if person else None)
        )
    for member in members:
        if member.panel_role == "observer":
            person = _person(session, member.person_id)
            seats.append(Seat("observer", None, person, declarations.get(member.person_id)))
    conflicted = {p for p, d in declarations.items() if d.conflicted}
    conflicts = [
        (found.name if (found := _person(session, p)) else p, declarations[p])
        for p in sorted(conflicted)
    ]
    evidence = list(
        session.exec(
            select(EvidenceLink)
            .where(EvidenceLink.task_id == task.id)
            .order_by(col(EvidenceLink.id))
        ).all()
    )
    may_arrange = arranges_panel(session, actor, task, on)
    candidates, observers = (
        _candidates(session, submission, task, conflicted) if may_arrange else ({}, [])
    )
    weeks = get_settings().assessment_notice_weeks
    return PanelView(
        submission=submission,
        task=task,
        booking=booking_of(session, task.id or 0),
        seats=seats,
        conflicts=conflicts,
        evidence=evidence,
        may_arrange=may_arrange,
        may_add_evidence=actor.id == submission.submitter_id,
        my_declaration=declarations.get(actor.id),
        on_panel=any(m.person_id == actor.id for m in members),
        earliest=on + timedelta(weeks=weeks),
        candidates=candidates,
        observer_candidates=observers,
        reassessing=reassessed_standards(checklist_registry(), task),
    )


def load_visitor(session: Session, person_id: str) -> Actor:
    """The person as the rules see them (the CLI's `--as`)."""
    actor = load_actor(session, person_id)
    if actor is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the person id.", person=person_id), field="actor"
        )
    return actor

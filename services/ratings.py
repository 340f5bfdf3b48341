"""Rating an assessment: each assessor rates the standards their seat covers
(`models.assessment_rating.COVERS`) with what the team did well and what it needs to explore,
saving drafts until they send them to the lead; the lead sees every note side by side, saves a
draft of the settled ratings, and settles each standard's rating and the overall result by the
existing rules (`services.decide`: red if any standard is red, amber if any is amber).

Who may rate: a member of the panel who is not an observer, has declared their interests and
has declared no conflict (a conflicted assessor cannot rate). The lead settles once every
assessor on the panel has sent their ratings. Drafts are working state, not steps: sending
ratings and settling them are decision-log entries (`assessment.rated`, `decision.recorded`).
A refusal writes nothing and is logged (`dfr.services.ratings`, INFO).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from checklists.answers import RATINGS
from checklists.loader import Registry
from dfr.errors import PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from models import audit, text_limits
from models.assessment_panel import InterestDeclaration, disciplines_for
from models.assessment_rating import AssessorRating, SettlementDraft, covered_by, numbers
from models.directory import Person
from models.review import Decision, ReviewTask
from models.submission import Submission
from models.text_limits import within
from models.working_days import london_today
from services.access import holds_review
from services.assessment_reports import draft_report
from services.decide import DecisionRequest, StandardAssessment, record_decision
from services.panel_declarations import require_ready_to_settle
from services.panels import logged_step, open_assessment, panel_members, visible_for

log = logging.getLogger("dfr.services.ratings")


@dataclass(frozen=True)
class Seat:
    """Who rates what: the person's place on the panel and the standards it covers."""

    person_id: str
    discipline: str | None  # None: the lead
    standards: list[str]


@dataclass(frozen=True)
class RatingSheet:
    """What a person sees of the rating of an assessment."""

    submission: Submission
    task: ReviewTask
    standards: list[str]  # every standard in this assessment, in order
    mine: Seat | None  # the standards the visitor rates (None: they rate none)
    my_ratings: dict[str, AssessorRating]
    is_lead: bool
    # For the lead: each standard's notes from every assessor, and who has not sent theirs.
    notes: dict[str, list[tuple[str, AssessorRating]]] = field(default_factory=dict)
    waiting_for: list[str] = field(default_factory=list)  # names
    draft: SettlementDraft | None = None

    @property
    def sent(self) -> bool:
        return bool(self.my_ratings) and all(r.final for r in self.my_ratings.values())


def _standards(task: ReviewTask, registry: Registry) -> list[str]:
    checklist = registry.get(task.checklist_id or "", task.checklist_version)
    return list(task.scope or checklist.questions)


def seats(session: Session, task: ReviewTask, registry: Registry) -> tuple[list[str], list[Seat]]:
    """Every standard of the assessment, and each rater's seat: the lead first."""
    standards = _standards(task, registry)
    order = disciplines_for("live")  # every seat, in the panel's order
    members = sorted(
        (m for m in panel_members(session, task.id or 0) if m.panel_role == "assessor"),
        key=lambda m: order.index(m.discipline) if m.discipline in order else len(order),
    )
    disciplines = {m.discipline or "" for m in members}
    found = []
    if task.assignee_id:
        found.append(
            Seat(
                task.assignee_id,
                None,
                covered_by(task.checklist_id or "", standards, None, disciplines),
            )
        )
    for member in members:
        found.append(
            Seat(
                member.person_id,
                member.discipline,
                covered_by(task.checklist_id or "", standards, member.discipline, disciplines),
            )
        )
    return standards, found


def _ratings_of(
    session: Session, task_id: int, person_id: str | None = None
) -> list[AssessorRating]:
    query = select(AssessorRating).where(AssessorRating.task_id == task_id)
    if person_id is not None:
        query = query.where(AssessorRating.person_id == person_id)
    return list(session.exec(query.order_by(col(AssessorRating.id))).all())


def _declaration(session: Session, task_id: int, person_id: str) -> InterestDeclaration | None:
    return session.exec(
        select(InterestDeclaration).where(
            InterestDeclaration.task_id == task_id, InterestDeclaration.person_id == person_id
        )
    ).one_or_none()


def _refuse_conflicted(
    session: Session, task_id: int, person_id: str
) -> InterestDeclaration | None:
    """Their declaration of interests; a conflicted assessor cannot rate."""
    declared = _declaration(session, task_id, person_id)
    if declared is not None and declared.conflicted:
        raise PermissionDeniedError(
            _("You declared a conflict of interests for this assessment, so you cannot rate it."),
            field="actor",
        )
    return declared


def _rater(session: Session, task: ReviewTask, person_id: str, registry: Registry) -> Seat:
    """The person's seat, or why they may not rate."""
    declared = _refuse_conflicted(session, task.id or 0, person_id)
    _all, found = seats(session, task, registry)
    seat = next((s for s in found if s.person_id == person_id), None)
    if seat is None:
        raise PermissionDeniedError(
            _("Only the lead assessor and the assessors on this panel rate it; observers do not."),
            field="actor",
        )
    if declared is None:
        raise TransitionError(
            _("Declare your interests for this assessment before you rate it."), field="actor"
        )
    return seat


def rating_sheet(
    session: Session, person_id: str, submission_id: int, registry: Registry, on: date | None = None
) -> RatingSheet:
    """The rating page's contents for `person_id` (the rules are in the module docstring)."""
    _actor, submission = visible_for(session, person_id, submission_id, on or london_today())
    task = open_assessment(session, submission)
    standards, found = seats(session, task, registry)
    mine = next((s for s in found if s.person_id == person_id), None)
    is_lead = holds_review(session, task.assignee_id, person_id, on or london_today())
    if is_lead and mine is None and task.assignee_id:
        mine = next((s for s in found if s.person_id == task.assignee_id), None)
    sheet = RatingSheet(
        submission,
        task,
        standards,
        mine,
        {
            r.standard_id: r
            for r in _ratings_of(session, task.id or 0, mine.person_id if mine else "")
        },
        is_lead,
    )
    if not is_lead:
        return sheet
    names = {
        p.id: p.name
        for p in session.exec(
            select(Person).where(col(Person.id).in_([s.person_id for s in found]))
        ).all()
    }
    notes: dict[str, list[tuple[str, AssessorRating]]] = {s: [] for s in standards}
    for rating in _ratings_of(session, task.id or 0):
        if rating.final and rating.standard_id in notes:
            notes[rating.standard_id].append(
                (names.get(rating.person_id, rating.person_id), rating)
            )
    draft = session.exec(
        select(SettlementDraft).where(SettlementDraft.task_id == task.id)
    ).one_or_none()
    return RatingSheet(
        submission,
        task,
        standards,
        mine,
        sheet.my_ratings,
        True,
        notes,
        _waiting_for(session, task, found, names),
        draft,
    )


def _waiting_for(
    session: Session, task: ReviewTask, found: list[Seat], names: dict[str, str]
) -> list[str]:
    sent = {r.person_id for r in _ratings_of(session, task.id or 0) if r.final}
    return [
        names.get(s.person_id, s.person_id)
        for s in found[1:]
        if s.standards and s.person_id not in sent
    ]


def _check_notes(
    ratings: Mapping[str, StandardAssessment], allowed: list[str], *, draft: bool
) -> None:
    extra = sorted(set(ratings) - set(allowed))
    if extra:
        raise ValidationError(
            _(
                "You do not rate these standards in this assessment: {numbers}.",
                numbers=numbers(extra),
            ),
            field=f"ratings.{extra[0]}",
        )
    for standard, note in sorted(ratings.items()):
        if note.rating not in (*RATINGS, *(("",) if draft else ())):
            raise ValidationError(
                _("Rate standard {number} red, amber or green.", number=numbers([standard])),
                field=f"ratings.{standard}",
            )
        within(note.done_well, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
        within(note.to_explore, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
    if not draft:
        missing = [s for s in allowed if not (s in ratings and ratings[s].rating)]
        if missing:
            raise ValidationError(
                _(
                    "Rate every standard you cover before you send your ratings: {numbers}.",
                    numbers=numbers(missing),
                ),
                field=f"ratings.{missing[0]}",
            )


def save_ratings(
    session: Session,
    submission_id: int,
    person_id: str,
    ratings: Mapping[str, StandardAssessment],
    registry: Registry,
    *,
    final: bool,
    on: date | None = None,
) -> list[AssessorRating]:
    """An assessor saves their ratings and notes as a draft, or sends them to the lead
    (`final`: every standard they cover rated; logged, and the lead is told)."""
    today = on or london_today()
    return logged_step(
        "rating",
        person_id,
        submission_id,
        lambda: _save(session, submission_id, person_id, ratings, registry, final, today),
    )


def _save(
    session: Session,
    submission_id: int,
    person_id: str,
    ratings: Mapping[str, StandardAssessment],
    registry: Registry,
    final: bool,
    on: date,
) -> list[AssessorRating]:
    task = _task_for(session, submission_id)
    if task is not None:  # before "not found": a conflicted assessor knows of it
        _refuse_conflicted(session, task.id or 0, person_id)
    _actor, submission = visible_for(session, person_id, submission_id, on)
    task = open_assessment(session, submission)
    seat = _rater(session, task, person_id, registry)
    _check_notes(ratings, seat.standards, draft=not final)
    rows = {r.standard_id: r for r in _ratings_of(session, task.id or 0, person_id)}
    now = datetime.now(UTC)
    for standard, note in ratings.items():
        row = rows.get(standard) or AssessorRating(
            task_id=task.id or 0, person_id=person_id, standard_id=standard
        )
        row.rating, row.done_well, row.to_explore = note.rating, note.done_well, note.to_explore
        row.final, row.updated_at = final, now
        session.add(row)
        rows[standard] = row
    if final:
        audit.append(
            session,
            event="assessment.rated",
            actor_id=person_id,
            submission_id=submission.id,
            payload={
                "task_id": task.id,
                "lead_id": task.assignee_id,
                "discipline": seat.discipline,
                "ratings": {
                    s: {"rating": n.rating, "done_well": n.done_well, "to_explore": n.to_explore}
                    for s, n in sorted(ratings.items())
                },
            },
        )
    session.flush()
    return [rows[s] for s in seat.standards if s in rows]


def _task_for(session: Session, submission_id: int) -> ReviewTask | None:
    return session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission_id,
            ReviewTask.stage == "service_assessment",
            ReviewTask.status == "open",
        )
    ).one_or_none()


def _require_amber_actions(ratings: Mapping[str, StandardAssessment]) -> None:
    """An amber standard says what the team needs to explore: it becomes their amber action."""
    for standard, note in sorted(ratings.items()):
        if note.rating == "amber" and not note.to_explore.strip():
            raise ValidationError(
                _(
                    "Say what the team needs to explore for standard {number}: for an amber "
                    "standard it becomes the team's amber action, due in 3 months.",
                    number=numbers([standard]),
                ),
                field=f"ratings.{standard}",
            )


def _require_lead(session: Session, task: ReviewTask, person_id: str, on: date) -> None:
    if not holds_review(session, task.assignee_id, person_id, on):
        raise PermissionDeniedError(
            _("Only the lead assessor (or someone covering for them) settles the ratings."),
            field="actor",
        )


def save_draft(
    session: Session,
    submission_id: int,
    person_id: str,
    ratings: Mapping[str, StandardAssessment],
    outcome: str,
    rationale: str,
    *,
    on: date | None = None,
) -> SettlementDraft:
    """The lead saves a draft of the settled ratings, the overall result and the rationale."""
    today = on or london_today()
    return logged_step(
        "settlement draft",
        person_id,
        submission_id,
        lambda: _draft(session, submission_id, person_id, ratings, outcome, rationale, today),
    )


def _draft(
    session: Session,
    submission_id: int,
    person_id: str,
    ratings: Mapping[str, StandardAssessment],
    outcome: str,
    rationale: str,
    on: date,
) -> SettlementDraft:
    _actor, submission = visible_for(session, person_id, submission_id, on)
    task = open_assessment(session, submission)
    _require_lead(session, task, person_id, on)
    for standard, note in ratings.items():
        if note.rating not in (*RATINGS, ""):
            raise ValidationError(
                _("Rate standard {number} red, amber or green.", number=numbers([standard])),
                field=f"ratings.{standard}",
            )
        within(note.done_well, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
        within(note.to_explore, text_limits.ASSESSMENT_NOTE, f"ratings.{standard}")
    within(rationale, text_limits.RATIONALE, "rationale")
    draft = session.exec(
        select(SettlementDraft).where(SettlementDraft.task_id == task.id)
    ).one_or_none()
    draft = draft or SettlementDraft(task_id=task.id or 0, saved_by_id=person_id, ratings={})
    draft.saved_by_id, draft.saved_at = person_id, datetime.now(UTC)
    draft.ratings = {
        s: {"rating": n.rating, "done_well": n.done_well, "to_explore": n.to_explore}
        for s, n in sorted(ratings.items())
    }
    draft.outcome = outcome if outcome in RATINGS else ""
    draft.rationale = rationale
    session.add(draft)
    session.flush()
    return draft


def settle(
    session: Session,
    submission_id: int,
    person_id: str,
    ratings: Mapping[str, StandardAssessment],
    outcome: str,
    rationale: str,
    registry: Registry,
    *,
    on: date | None = None,
) -> Decision:
    """The lead settles every standard's rating and the overall result, once each assessor on
    the panel has sent their ratings: the decision (`services.decide`, its rules)."""
    today = on or london_today()

    def step() -> Decision:
        _actor, submission = visible_for(session, person_id, submission_id, today)
        task = open_assessment(session, submission)
        _require_lead(session, task, person_id, today)
        require_ready_to_settle(session, task, today)
        _all, found = seats(session, task, registry)
        names = {p.id: p.name for p in (session.get(Person, s.person_id) for s in found) if p}
        waiting = _waiting_for(session, task, found, names)
        if waiting:
            raise TransitionError(
                _(
                    "Waiting for ratings from: {names}. Settle them once every assessor has "
                    "sent theirs.",
                    names=", ".join(waiting),
                ),
                field="ratings",
            )
        _require_amber_actions(ratings)
        request = DecisionRequest(
            submission_id,
            task.stage,
            outcome,
            rationale,
            person_id,
            ratings=dict(ratings),
            settled_by_panel=True,
        )
        decision = record_decision(session, request, registry, today)
        draft_report(session, submission, task, decision, today)
        for draft in session.exec(
            select(SettlementDraft).where(SettlementDraft.task_id == task.id)
        ).all():
            session.delete(draft)
        session.flush()
        return decision

    return logged_step("settling ratings", person_id, submission_id, step)

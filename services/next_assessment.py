"""After an assessment: what the next assessment of the same submission or service carries
over from the ones before it (GDS service assessments).

- Amber: the service goes ahead, and its amber actions are closed within 3 months and before
  the next assessment of the same submission, or of the same service on the register (another
  submission linked to it): that cannot be booked while any is still outstanding
  (open, sent back, or reported done and not yet confirmed). The refusal names each one by
  its standard and says how to close it (`services.actions`).
  Each amber action is what the report says the team needs to explore for that standard, in
  Welsh and English once the report is sent (`word_amber_actions`).
- Red: the service pauses, fixes and is reassessed on the red standards only
  (`services.decide` opens the reassessment with those standards as its scope; the panel rates
  only them, `services.ratings`; its report's phase is "reassessment").
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from checklists.loader import Registry
from checklists.standards import every_standard_name, standard_names
from dfr.dates import long_date
from dfr.errors import TransitionError
from dfr.i18n import _, get_language
from models.action_lifecycle import OUTSTANDING
from models.assessment_report import AssessmentReport, ReportSection
from models.lifecycle import Stage
from models.review import Action, Decision, ReviewTask
from models.service_links import ServiceLink
from models.submission import reference_for

REASSESSMENT = "reassessment"


def is_reassessment(task: ReviewTask) -> bool:
    """A reassessment of red standards (a second or later attempt of the assessment). Pure."""
    return task.stage == Stage.SERVICE_ASSESSMENT and task.attempt > 1


def phase_of(task: ReviewTask, phase: str | None) -> str:
    """The phase a report gives: `reassessment`, or the service's phase. Pure."""
    return REASSESSMENT if is_reassessment(task) else (phase or "")


def names_of(registry: Registry, task: ReviewTask, standard_ids: list[str]) -> list[str]:
    """Standards as people name them (`3. Understand users…`), in the reader's language."""
    checklist = registry.get(task.checklist_id or "", task.checklist_version)
    names = standard_names([checklist], get_language())
    return [names.get(s, s) for s in standard_ids]


def reassessed_standards(registry: Registry, task: ReviewTask) -> list[str]:
    """The names of the standards a reassessment covers (none for a first assessment)."""
    return names_of(registry, task, list(task.scope or [])) if is_reassessment(task) else []


def same_service(session: Session, submission_id: int) -> list[int]:
    """The submission and every other submission linked to the same service on the register
    (`models.service_links`): the assessments of one service, whichever submission made them."""
    service_id = session.exec(
        select(ServiceLink.service_id).where(ServiceLink.submission_id == submission_id)
    ).first()
    if service_id is None:
        return [submission_id]
    linked = session.exec(
        select(ServiceLink.submission_id).where(ServiceLink.service_id == service_id)
    ).all()
    return sorted({submission_id, *linked})


def open_amber_actions(session: Session, task: ReviewTask) -> list[Action]:
    """Amber actions set by the earlier assessments of the submission, or of the service it
    is linked to, and still outstanding."""
    return list(
        session.exec(
            select(Action)
            .join(Decision, col(Decision.id) == col(Action.decision_id))
            .where(
                col(Action.submission_id).in_(same_service(session, task.submission_id)),
                Action.kind == "amber_action",
                col(Action.status).in_(OUTSTANDING),
                Decision.stage == Stage.SERVICE_ASSESSMENT.value,
                Decision.task_id != task.id,
            )
            .order_by(col(Action.reference))
        ).all()
    )


def refuse_while_amber_open(session: Session, task: ReviewTask, registry: Registry) -> None:
    """Refuse to book `task` while amber actions from an earlier assessment are outstanding."""
    actions = open_amber_actions(session, task)
    if not actions:
        return
    language = get_language()
    every = every_standard_name(registry, language)  # an earlier one may be of another set
    names = [every.get(a.reference, a.reference) for a in actions]
    listed = "; ".join(
        _("{standard} (due {date})", standard=name, date=long_date(a.due_date, language))
        if a.submission_id == task.submission_id
        else _(
            "{standard} (from {reference}, due {date})",
            standard=name,
            reference=reference_for(a.submission_id),
            date=long_date(a.due_date, language),
        )
        for name, a in zip(names, actions, strict=True)
    )
    raise TransitionError(
        _(
            "The next assessment cannot be booked while amber actions from the last one are "
            "open: {actions}. To close each one, the team marks it done on the submission page "
            "with a link to its evidence, and the lead assessor who set it confirms it.",
            actions=listed,
        ),
        field="date",
    )


def word_amber_actions(
    session: Session, report: AssessmentReport, sections: list[ReportSection]
) -> list[Action]:
    """When the report is sent (complete in both languages), each amber action says what its
    standard's "needs to explore" says, in Welsh and in English: the team reads it in its own
    language on the submission page and in every reminder."""
    by_standard = {s.standard_id: s for s in sections}
    worded = []
    for action in session.exec(
        select(Action).where(
            Action.decision_id == report.decision_id, Action.kind == "amber_action"
        )
    ).all():
        section = by_standard.get(action.reference)
        if section is None or not (section.to_explore_cy and section.to_explore_en):
            continue
        action.text = section.to_explore_en
        action.extra = {**(action.extra or {}), "text_cy": section.to_explore_cy}
        session.add(action)
        worded.append(action)
    return worded

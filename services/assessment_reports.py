"""The assessment report: drafted from the settled ratings when the lead settles them, written
in Welsh and English, and sent to the team only when both versions are complete. It is due 7
working days after the assessment (GDS service assessments); the reminder sweep chases the
lead and escalates it like a review (`services.reminders`).

Who sees a draft: its lead (or someone covering for them), the Digital CoE and
administrators; anyone else is told there is no report yet. Once sent, whoever may see the
submission reads it. Only the lead edits and sends it. Drafting and sending are
decision-log entries (`report.drafted`, `report.sent`); sending tells the team, the panel and
the DG's Digital Leader. A refusal writes nothing and is logged (`dfr.services.reports`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from models import audit, text_limits
from models.assessment_panel import booking_of
from models.assessment_rating import numbers
from models.assessment_report import (
    LANGUAGES,
    AssessmentReport,
    ReportSection,
    missing_in,
    report_due,
    response_due,
)
from models.directory import Person
from models.lifecycle import Role
from models.review import Action, Decision, PanelMember, ReviewTask, StandardRating
from models.submission import Submission
from models.text_limits import within
from models.working_days import london_today
from services.access import holds_review
from services.next_assessment import phase_of, word_amber_actions
from services.panels import logged_step, visible_for


def draft_report(
    session: Session, submission: Submission, task: ReviewTask, decision: Decision, on: date
) -> AssessmentReport:
    """The report's first draft, from the decision's ratings: each note goes into the lead's
    language, for the lead to write the other."""
    booking = booking_of(session, task.id or 0)
    assessed_on = booking.assessment_date if booking else on
    lead = session.get(Person, decision.actor_id)
    language = lead.language if lead and lead.language in LANGUAGES else "en"
    report = AssessmentReport(
        submission_id=submission.id or 0,
        task_id=task.id or 0,
        decision_id=decision.id or 0,
        lead_id=decision.actor_id,
        assessed_on=assessed_on,
        due_date=report_due(assessed_on),
        result=decision.outcome,
    )
    setattr(report, f"summary_{language}", decision.rationale)
    session.add(report)
    session.flush()
    for rating in session.exec(
        select(StandardRating)
        .where(StandardRating.decision_id == decision.id)
        .order_by(col(StandardRating.standard_id))
    ).all():
        section = ReportSection(
            report_id=report.id or 0, standard_id=rating.standard_id, rating=rating.rating
        )
        setattr(section, f"done_well_{language}", rating.done_well)
        setattr(section, f"to_explore_{language}", rating.to_explore)
        session.add(section)
    audit.append(
        session,
        event="report.drafted",
        actor_id=decision.actor_id,
        submission_id=submission.id,
        payload={
            "report_id": report.id,
            "task_id": task.id,
            "result": report.result,
            "assessed_on": assessed_on.isoformat(),
            "due_date": report.due_date.isoformat(),
        },
    )
    session.flush()
    return report


@dataclass(frozen=True)
class ReportView:
    submission: Submission
    report: AssessmentReport
    sections: list[ReportSection]
    missing: dict[str, list[str]]  # language → what it lacks
    may_edit: bool
    panel: list[tuple[str, str, str | None]]  # (name, panel role, discipline), the lead first
    actions: list[Action]  # the amber actions the decision set, with their due dates
    phase: str = ""  # alpha | beta | live, or `reassessment` (of red standards only)

    @property
    def complete(self) -> dict[str, bool]:
        return {language: not self.missing[language] for language in LANGUAGES}


def no_report(submission: Submission) -> NotFoundError:
    """What anyone is told of a report they may not see, or that does not exist yet."""
    return NotFoundError(
        _("There is no assessment report for {reference} yet.", reference=submission.reference),
        field="report",
    )


def latest_report(session: Session, submission: Submission) -> AssessmentReport | None:
    """The submission's newest report (a reassessment has one of its own), if any."""
    return session.exec(
        select(AssessmentReport)
        .where(AssessmentReport.submission_id == submission.id)
        .order_by(col(AssessmentReport.id).desc())
    ).first()


def _view(session: Session, person_id: str, submission_id: int, on: date) -> ReportView:
    actor, submission = visible_for(session, person_id, submission_id, on)
    report = latest_report(session, submission)
    if report is None:
        raise no_report(submission)
    may_edit = report.status == "draft" and holds_review(session, report.lead_id, person_id, on)
    if report.status == "draft" and not (may_edit or actor.holds(Role.COE, Role.ADMIN)):
        raise no_report(submission)  # a draft is the panel's until it is sent
    sections = list(
        session.exec(
            select(ReportSection)
            .where(ReportSection.report_id == report.id)
            .order_by(col(ReportSection.standard_id))
        ).all()
    )
    missing = {language: missing_in(report, sections, language) for language in LANGUAGES}
    lead = session.get(Person, report.lead_id)
    panel = [(lead.name if lead else report.lead_id, "lead", None)] + [
        (person.name, member.panel_role, member.discipline)
        for member in session.exec(
            select(PanelMember)
            .where(PanelMember.task_id == report.task_id, PanelMember.panel_role != "lead")
            .order_by(col(PanelMember.panel_role), col(PanelMember.discipline))
        ).all()
        if (person := session.get(Person, member.person_id)) is not None
    ]
    actions = list(
        session.exec(
            select(Action).where(Action.decision_id == report.decision_id).order_by(col(Action.id))
        ).all()
    )
    task = session.get(ReviewTask, report.task_id)
    phase = phase_of(task, submission.phase) if task else submission.phase or ""
    return ReportView(submission, report, sections, missing, may_edit, panel, actions, phase)


def described(missing: list[str]) -> str:
    """What a language version lacks, as people name it: "the summary; standard 1: done well"."""
    parts = []
    for item in missing:
        if item == "summary":
            parts.append(_("the summary"))
            continue
        standard, _sep, part = item.partition(".")
        parts.append(
            _("standard {number}: done well", number=numbers([standard]))
            if part == "done_well"
            else _("standard {number}: needs to explore", number=numbers([standard]))
        )
    return "; ".join(parts) or _("nothing")


def report_view(
    session: Session, person_id: str, submission_id: int, on: date | None = None
) -> ReportView:
    """The latest report of a submission, as `person_id` may see it."""
    return _view(session, person_id, submission_id, on or london_today())


def _editable(session: Session, person_id: str, submission_id: int, on: date) -> ReportView:
    view = _view(session, person_id, submission_id, on)
    if view.report.status != "draft":
        raise TransitionError(
            _("The report has been sent; it cannot be changed now."), field="report"
        )
    if not view.may_edit:
        raise PermissionDeniedError(
            _("Only the lead assessor (or someone covering for them) writes the report."),
            field="actor",
        )
    return view


def edit_report(
    session: Session,
    submission_id: int,
    person_id: str,
    language: str,
    summary: str | None = None,
    notes: Mapping[str, tuple[str, str]] | None = None,
    *,
    on: date | None = None,
) -> ReportView:
    """The lead writes the report in `language`: the summary, and each standard's "done
    well" and "needs to explore" (`notes`: standard → (done well, needs to explore))."""
    today = on or london_today()

    def step() -> ReportView:
        if language not in LANGUAGES:
            raise ValidationError(
                _("Write the report in Welsh (cy) or English (en)."), field="language"
            )
        view = _editable(session, person_id, submission_id, today)
        if summary is not None:
            setattr(
                view.report,
                f"summary_{language}",
                within(summary, text_limits.RATIONALE, "summary"),
            )
            session.add(view.report)
        by_standard = {s.standard_id: s for s in view.sections}
        for standard, (done_well, to_explore) in (notes or {}).items():
            section = by_standard.get(standard)
            if section is None:
                raise ValidationError(
                    _("This report has no standard {id}.", id=standard), field=f"notes.{standard}"
                )
            within(done_well, text_limits.ASSESSMENT_NOTE, f"notes.{standard}")
            within(to_explore, text_limits.ASSESSMENT_NOTE, f"notes.{standard}")
            setattr(section, f"done_well_{language}", done_well)
            setattr(section, f"to_explore_{language}", to_explore)
            session.add(section)
        session.flush()
        return _view(session, person_id, submission_id, today)

    return logged_step("report edit", person_id, submission_id, step)


def send_report(
    session: Session, submission_id: int, person_id: str, *, on: date | None = None
) -> AssessmentReport:
    """The lead sends the report to the team; refused until it is complete in both languages."""
    today = on or london_today()

    def step() -> AssessmentReport:
        view = _editable(session, person_id, submission_id, today)
        if not all(view.complete.values()):
            raise ValidationError(
                _(
                    "The report cannot be sent until it is complete in Welsh and English. "
                    "Missing in Welsh: {cy}. Missing in English: {en}.",
                    cy=described(view.missing["cy"]),
                    en=described(view.missing["en"]),
                ),
                field="report",
            )
        report = view.report
        report.status, report.sent_at = "sent", datetime.now(UTC)
        report.response_due = response_due(today)  # the team's 10 working days to answer
        session.add(report)
        word_amber_actions(session, report, view.sections)
        panel = session.exec(
            select(PanelMember.person_id).where(PanelMember.task_id == report.task_id)
        ).all()
        audit.append(
            session,
            event="report.sent",
            actor_id=person_id,
            submission_id=view.submission.id,
            payload={
                "report_id": report.id,
                "task_id": report.task_id,
                "result": report.result,
                "assessed_on": report.assessed_on.isoformat(),
                "panel": sorted(set(panel) - {person_id}),
                "response_due": report.response_due.isoformat(),
            },
        )
        session.flush()
        return report

    return logged_step("report sending", person_id, submission_id, step)

"""The team's answer to an assessment report: accept it, or challenge named standards; the
panel's final answer to a challenge; silence as acceptance (GDS service assessments).

- Once the report is sent, the team (its submitter, or someone covering for them today) has
  10 working days (`models.assessment_report.response_due`) to accept it or to challenge
  named standards of it, each with a reason. After that day a challenge is refused, naming the
  day it closed; the reminder sweep records silence as acceptance (`accept_by_silence`).
- A challenge goes back to the panel: the lead (or someone covering for them) upholds or
  changes each challenged rating with a rationale, within 10 working days. The answer is final:
  the report's ratings and overall result follow it (`models.assessment_report.overall_result`,
  the rule the settled decision was checked against), amber actions follow the amber ratings,
  and the report is accepted. Each challenge row keeps the rating it had before.
- Accepting twice changes nothing and tells nobody again.

Deny by default: someone who may not see the submission is told it does not exist; someone who
may see it but is not the team is told only the team responds. Each step is one decision-log
entry (`report.accepted`, `report.challenged`, `report.challenge_decided`,
`report.accepted_by_silence`) that tells people (`notifications.recipients`) and becomes a
Prefect event (`flows.events`). A refusal writes nothing and is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from checklists.answers import RATINGS
from dfr.dates import long_date
from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _, get_language
from models import audit, text_limits
from models.action_lifecycle import SUBMITTER_HOLDS
from models.assessment_rating import numbers
from models.assessment_report import (
    AssessmentReport,
    ReportSection,
    challenge_due,
    overall_result,
)
from models.dates import AMBER_ACTION_MONTHS, add_months
from models.report_response import ReportChallenge, ReportFeedback
from models.review import Action, PanelMember
from models.submission import Submission
from models.text_limits import within
from models.working_days import london_today
from services.access import holds_review, load_actor, log_privacy_refusal, may_see, not_found
from services.assessment_reports import ReportView, latest_report, no_report, report_view
from services.assignment import delegators_of
from services.intake import locked_submission
from services.panels import logged_step, visible_for


@dataclass(frozen=True)
class StandardAnswer:
    """The panel's answer to one challenged standard: its rating now (the same one upholds
    it) and why."""

    rating: str
    rationale: str


@dataclass(frozen=True)
class ResponseView:
    """The report as a person sees it, with the team's response and what they may do now."""

    report: ReportView
    challenges: list[ReportChallenge]
    may_respond: bool  # the team, while the report waits for its answer
    may_answer: bool  # the lead (or cover), while a challenge waits for the panel
    may_give_feedback: bool  # the team, once the report is final, until they have
    feedback: ReportFeedback | None


def acts_for_team(session: Session, submission: Submission, person_id: str, on: date) -> bool:
    """The submitter, or someone covering for them today."""
    return person_id == submission.submitter_id or submission.submitter_id in delegators_of(
        session, person_id, on
    )


def for_team(
    session: Session, person_id: str, submission_id: int, on: date
) -> tuple[Submission, AssessmentReport]:
    """The submission (locked) and its sent report, for the team; "not found" for whoever may
    not see the submission, and a refusal for anyone else who may."""
    actor = load_actor(session, person_id)
    if actor is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the person id.", person=person_id), field="actor"
        )
    found = session.get(Submission, submission_id)
    if found is None:
        raise not_found(submission_id)
    if not acts_for_team(session, found, person_id, on):
        if not may_see(session, actor, found, on):
            log_privacy_refusal(person_id, "assessment report", submission_id)
            raise not_found(submission_id)
        raise PermissionDeniedError(
            _(
                "Only the service team (the person who made the submission, or someone "
                "covering for them) can accept or challenge the report."
            ),
            field="actor",
        )
    submission = locked_submission(session, submission_id)
    report = latest_report(session, submission)
    if report is None or report.status == "draft":
        raise no_report(submission)
    return submission, report


def challenges_of(session: Session, report_id: int) -> list[ReportChallenge]:
    return list(
        session.exec(
            select(ReportChallenge)
            .where(ReportChallenge.report_id == report_id)
            .order_by(col(ReportChallenge.standard_id))
        ).all()
    )


def _panel(session: Session, report: AssessmentReport) -> list[str]:
    return sorted(
        set(
            session.exec(
                select(PanelMember.person_id).where(PanelMember.task_id == report.task_id)
            ).all()
        )
        | {report.lead_id}
    )


def _payload(session: Session, report: AssessmentReport, **more: Any) -> dict[str, Any]:
    return {
        "report_id": report.id,
        "task_id": report.task_id,
        "lead_id": report.lead_id,
        "panel": _panel(session, report),
        "result": report.result,
        **more,
    }


def _closed(report: AssessmentReport) -> TransitionError:
    return TransitionError(
        _(
            "The time to challenge this report closed on {date}: the team had 10 working days "
            "from when it was sent. The report stands as sent.",
            date=long_date(report.response_due, get_language()),
        ),
        field="report",
    )


def _refuse_unless_open(report: AssessmentReport, on: date) -> None:
    """A report waiting for the team's answer, within its 10 working days."""
    if report.status == "challenged":
        raise TransitionError(
            _(
                "You have challenged this report; the panel's answer to the challenge is final "
                "and will accept it."
            ),
            field="report",
        )
    if report.accepted_how == "silence" or (
        report.status == "sent" and report.response_due and on > report.response_due
    ):
        raise _closed(report)
    if report.status == "accepted":
        raise TransitionError(
            _("This report has been accepted; it can no longer be challenged."), field="report"
        )


def accept_report(
    session: Session, submission_id: int, person_id: str, *, on: date | None = None
) -> AssessmentReport:
    """The team accepts the report. Accepting an accepted report changes nothing."""
    today = on or london_today()

    def step() -> AssessmentReport:
        submission, report = for_team(session, person_id, submission_id, today)
        if report.status == "accepted":
            return report  # a second accept: nothing to write, nobody to tell again
        if report.status == "challenged":
            _refuse_unless_open(report, today)
        report.status, report.accepted_how = "accepted", "accepted"
        report.accepted_at = datetime.now(UTC)
        session.add(report)
        audit.append(
            session,
            event="report.accepted",
            actor_id=person_id,
            submission_id=submission.id,
            payload=_payload(session, report, accepted_how="accepted"),
        )
        session.flush()
        return report

    return logged_step("report acceptance", person_id, submission_id, step)


def _check_reasons(reasons: Mapping[str, str], sections: dict[str, ReportSection]) -> None:
    if not reasons:
        raise ValidationError(
            _("Choose at least one standard to challenge, and give your reason for each."),
            field="standards",
        )
    for standard, reason in sorted(reasons.items()):
        if standard not in sections:
            raise ValidationError(
                _("This report has no standard {id}.", id=standard), field=f"reasons.{standard}"
            )
        if not reason.strip():
            raise ValidationError(
                _(
                    "Give your reason for challenging the rating of standard {number}.",
                    number=numbers([standard]),
                ),
                field=f"reasons.{standard}",
            )
        within(reason, text_limits.RATIONALE, f"reasons.{standard}")


def challenge_report(
    session: Session,
    submission_id: int,
    person_id: str,
    reasons: Mapping[str, str],
    *,
    on: date | None = None,
) -> list[ReportChallenge]:
    """The team challenges the ratings of named standards (`reasons`: standard → why), within
    10 working days of the report being sent; the panel is asked to answer."""
    today = on or london_today()

    def step() -> list[ReportChallenge]:
        submission, report = for_team(session, person_id, submission_id, today)
        _refuse_unless_open(report, today)
        sections = _sections(session, report)
        _check_reasons(reasons, sections)
        now = datetime.now(UTC)
        rows = [
            ReportChallenge(
                report_id=report.id or 0,
                standard_id=standard,
                original_rating=sections[standard].rating,
                reason=reasons[standard].strip(),
                challenged_by_id=person_id,
                challenged_at=now,
            )
            for standard in sorted(reasons)
        ]
        session.add_all(rows)
        answer_by = challenge_due(today)
        report.status, report.challenged_at, report.challenge_due = "challenged", now, answer_by
        session.add(report)
        audit.append(
            session,
            event="report.challenged",
            actor_id=person_id,
            submission_id=submission.id,
            payload=_payload(
                session,
                report,
                challenge_due=answer_by.isoformat(),
                standards={
                    r.standard_id: {"rating": r.original_rating, "reason": r.reason} for r in rows
                },
            ),
        )
        session.flush()
        return rows

    return logged_step("report challenge", person_id, submission_id, step)


def _sections(session: Session, report: AssessmentReport) -> dict[str, ReportSection]:
    return {
        s.standard_id: s
        for s in session.exec(
            select(ReportSection).where(ReportSection.report_id == report.id)
        ).all()
    }


def _check_answers(
    answers: Mapping[str, StandardAnswer], challenged: dict[str, ReportChallenge]
) -> None:
    extra = sorted(set(answers) - set(challenged))
    if extra:
        raise ValidationError(
            _(
                "The team did not challenge standard {numbers}; answer only the challenged "
                "standards.",
                numbers=numbers(extra),
            ),
            field=f"answers.{extra[0]}",
        )
    missing = sorted(set(challenged) - set(answers))
    if missing:
        raise ValidationError(
            _("Answer every challenged standard: {numbers}.", numbers=numbers(missing)),
            field=f"answers.{missing[0]}",
        )
    for standard, answer in sorted(answers.items()):
        if answer.rating not in RATINGS:
            raise ValidationError(
                _("Rate standard {number} red, amber or green.", number=numbers([standard])),
                field=f"answers.{standard}",
            )
        if not answer.rationale.strip():
            raise ValidationError(
                _(
                    "Give the panel's rationale for its answer on standard {number}.",
                    number=numbers([standard]),
                ),
                field=f"answers.{standard}",
            )
        within(answer.rationale, text_limits.RATIONALE, f"answers.{standard}")


def _follow_amber_ratings(
    session: Session, report: AssessmentReport, changed: dict[str, tuple[str, str]], on: date
) -> None:
    """Amber actions follow the final ratings: one for each standard now amber, none left
    open for a standard that no longer is. (A red rating's reassessment is left as decided.)"""
    actions = {
        a.reference: a
        for a in session.exec(
            select(Action).where(
                Action.decision_id == report.decision_id, Action.kind == "amber_action"
            )
        ).all()
    }
    sections = _sections(session, report)
    for standard, (before, after) in changed.items():
        action = actions.get(standard)
        if before == "amber" and action is not None and action.status in SUBMITTER_HOLDS:
            action.status = "cancelled"
            session.add(action)
        if after == "amber" and (action is None or action.status == "cancelled"):
            section = sections[standard]
            session.add(
                Action(
                    submission_id=report.submission_id,
                    decision_id=report.decision_id,
                    kind="amber_action",
                    reference=standard,
                    text=section.to_explore_en or section.to_explore_cy or standard,
                    due_date=add_months(on, AMBER_ACTION_MONTHS),
                )
            )


def answer_challenge(
    session: Session,
    submission_id: int,
    person_id: str,
    answers: Mapping[str, StandardAnswer],
    *,
    on: date | None = None,
) -> AssessmentReport:
    """The lead upholds or changes each challenged rating with a rationale; final: the report's
    ratings and result follow, and it is accepted."""
    today = on or london_today()

    def step() -> AssessmentReport:
        _actor, submission = visible_for(session, person_id, submission_id, today)
        report = latest_report(session, submission)
        if report is None or report.status == "draft":
            raise no_report(submission)
        if not holds_review(session, report.lead_id, person_id, today):
            raise PermissionDeniedError(
                _("Only the lead assessor (or someone covering for them) answers a challenge."),
                field="actor",
            )
        challenged = {c.standard_id: c for c in challenges_of(session, report.id or 0)}
        if report.status != "challenged":
            raise TransitionError(
                _("The panel has already answered this challenge; its answer is final.")
                if challenged
                else _("The team has not challenged this report; there is nothing to answer."),
                field="report",
            )
        _check_answers(answers, challenged)
        sections, now = _sections(session, report), datetime.now(UTC)
        changed: dict[str, tuple[str, str]] = {}
        for standard, answer in sorted(answers.items()):
            row = challenged[standard]
            row.answer = "upheld" if answer.rating == row.original_rating else "changed"
            row.new_rating, row.rationale = answer.rating, answer.rationale.strip()
            row.answered_by_id, row.answered_at = person_id, now
            session.add(row)
            if row.answer == "changed":
                changed[standard] = (row.original_rating, answer.rating)
                sections[standard].rating = answer.rating
                session.add(sections[standard])
        before = report.result
        report.result = overall_result(s.rating for s in sections.values())
        report.status, report.accepted_how, report.accepted_at = "accepted", "after_challenge", now
        session.add(report)
        _follow_amber_ratings(session, report, changed, today)
        audit.append(
            session,
            event="report.challenge_decided",
            actor_id=person_id,
            submission_id=submission.id,
            payload=_payload(
                session,
                report,
                result_before=before,
                accepted_how="after_challenge",
                answers={
                    s: {
                        "answer": c.answer,
                        "from": c.original_rating,
                        "to": c.new_rating,
                        "rationale": c.rationale,
                    }
                    for s, c in sorted(challenged.items())
                },
            ),
        )
        session.flush()
        return report

    return logged_step("challenge answer", person_id, submission_id, step)


def accept_by_silence(session: Session, today: date) -> list[AssessmentReport]:
    """Record as accepted every sent report whose 10 working days ended before `today` with
    no answer from the team; return them. Running it again finds none of them again."""
    reports = list(
        session.exec(
            select(AssessmentReport)
            .where(
                AssessmentReport.status == "sent",
                col(AssessmentReport.response_due) < today,
            )
            .order_by(col(AssessmentReport.submission_id), col(AssessmentReport.id))
            .with_for_update()
        ).all()
    )
    if not reports:
        return []
    now = datetime.now(UTC)
    for report in reports:
        report.status, report.accepted_how, report.accepted_at = "accepted", "silence", now
        session.add(report)
    audit.append_many(
        session,
        [
            audit.NewEntry(
                event="report.accepted_by_silence",
                actor_id=None,
                submission_id=report.submission_id,
                payload=_payload(
                    session,
                    report,
                    accepted_how="silence",
                    response_due=report.response_due.isoformat() if report.response_due else None,
                ),
            )
            for report in reports
        ],
    )
    session.flush()
    return reports


def response_view(
    session: Session, person_id: str, submission_id: int, on: date | None = None
) -> ResponseView:
    """The latest report of a submission as `person_id` may see it, with the team's response
    (challenges and the panel's answers) and the steps open to them now."""
    today = on or london_today()
    view = report_view(session, person_id, submission_id, today)
    report = view.report
    team = acts_for_team(session, view.submission, person_id, today)
    feedback = session.exec(
        select(ReportFeedback).where(ReportFeedback.report_id == report.id)
    ).one_or_none()
    return ResponseView(
        view,
        challenges_of(session, report.id or 0),
        may_respond=team
        and report.status == "sent"
        and (report.response_due is None or today <= report.response_due),
        may_answer=report.status == "challenged"
        and holds_review(session, report.lead_id, person_id, today),
        may_give_feedback=team and report.status == "accepted" and feedback is None,
        feedback=feedback if team else None,
    )


def report_task_for(session: Session, person_id: str, submission_id: int) -> int | None:
    """The assessment (review task) whose report the submission page links `person_id` to:
    the latest report's, when they may read it (a draft is the panel's); None otherwise."""
    exists = session.exec(
        select(AssessmentReport.id).where(AssessmentReport.submission_id == submission_id)
    ).first()
    if exists is None:
        return None
    try:
        return report_view(session, person_id, submission_id).report.task_id
    except NotFoundError:
        return None

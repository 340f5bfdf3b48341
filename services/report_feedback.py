"""The team's feedback on an assessment: once the report is final (accepted, however), the team
answers a short satisfaction survey once per report (five points, and a comment if they want),
and the satisfaction figures per month feed the performance figures.

Who answers: the team (`services.report_responses.for_team`). Who reads the figures: the
Digital Centre of Excellence and administrators (every DG), a DG's Digital Leader (their DG).
Giving feedback is a decision-log entry (`report.feedback_given`, the score only: the comment
is the team's words to the CoE, read with the figures). A refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from dfr.dates import LONDON
from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from models import audit, text_limits
from models.dates import add_months
from models.lifecycle import Role
from models.report_response import SATISFACTION, SATISFIED, ReportFeedback
from models.text_limits import within
from models.working_days import london_today
from services.access import load_actor, oversees
from services.panels import logged_step
from services.report_responses import for_team


def _score(value: int | str) -> int:
    text = str(value).strip()
    score = int(text) if text.isdigit() else SCORES.get(text, 0)
    if score not in SATISFACTION:
        raise ValidationError(
            _("Choose how satisfied you are, from very satisfied to very dissatisfied."),
            field="score",
        )
    return score


SCORES = {name: score for score, name in SATISFACTION.items()}


def give_feedback(
    session: Session,
    submission_id: int,
    person_id: str,
    score: int | str,
    comment: str = "",
    *,
    on: date | None = None,
) -> ReportFeedback:
    """The team says how satisfied it is with the assessment (1 to 5, or its name such as
    `satisfied`), once per report, after the report is final."""
    today = on or london_today()

    def step() -> ReportFeedback:
        submission, report = for_team(session, person_id, submission_id, today)
        if report.status != "accepted":
            raise TransitionError(
                _("You can give feedback on the assessment once its report is final."),
                field="report",
            )
        given = session.exec(
            select(ReportFeedback.id).where(ReportFeedback.report_id == report.id)
        ).first()
        if given is not None:
            raise TransitionError(
                _("Feedback on this assessment has already been given. Thank you."),
                field="report",
            )
        feedback = ReportFeedback(
            report_id=report.id or 0,
            submission_id=submission.id or 0,
            dg_code=submission.dg_code,
            person_id=person_id,
            score=_score(score),
            comment=within(comment.strip(), text_limits.REASON, "comment"),
        )
        session.add(feedback)
        audit.append(
            session,
            event="report.feedback_given",
            actor_id=person_id,
            submission_id=submission.id,
            payload={"report_id": report.id, "score": feedback.score},
        )
        session.flush()
        return feedback

    return logged_step("assessment feedback", person_id, submission_id, step)


@dataclass(frozen=True)
class Satisfaction:
    """One month's answers: how many, and how many were satisfied or very satisfied."""

    month: date  # its first day
    count: int
    satisfied: int
    comments: list[str]

    @property
    def share_satisfied(self) -> float | None:
        """Satisfied or very satisfied, as a share of the answers (None: no answers)."""
        return self.satisfied / self.count if self.count else None


def _month_start(day: date) -> date:
    return day.replace(day=1)


def satisfaction_figures(
    session: Session,
    person_id: str,
    start: date,
    end: date,
    dg_code: str | None = None,
) -> list[Satisfaction]:
    """The satisfaction figures for each month from `start`'s to `end`'s (London time), for
    every DG or one; months without answers have a count of 0."""
    actor = load_actor(session, person_id)
    if actor is None:
        raise NotFoundError(
            _("Unknown person {person}. Check the person id.", person=person_id), field="actor"
        )
    allowed = oversees(actor, dg_code) if dg_code else actor.holds(Role.COE, Role.ADMIN)
    if not allowed:
        raise PermissionDeniedError(
            _(
                "The satisfaction figures are for the Digital Centre of Excellence, "
                "administrators and each DG's Digital Leader (for their DG)."
            ),
            field="actor",
        )
    if end < start:
        raise ValidationError(_("The end of the period is before its start."), field="end")
    first = datetime.combine(_month_start(start), time(), LONDON).astimezone(UTC)
    last = datetime.combine(add_months(_month_start(end), 1), time(), LONDON).astimezone(UTC)
    query = select(ReportFeedback).where(
        col(ReportFeedback.given_at) >= first, col(ReportFeedback.given_at) < last
    )
    if dg_code:
        query = query.where(ReportFeedback.dg_code == dg_code)
    months: dict[date, list[ReportFeedback]] = {}
    month = _month_start(start)
    while month <= end:
        months[month] = []
        month = add_months(month, 1)
    for row in session.exec(query.order_by(col(ReportFeedback.given_at))).all():
        given = row.given_at if row.given_at.tzinfo else row.given_at.replace(tzinfo=UTC)
        months.setdefault(_month_start(given.astimezone(LONDON).date()), []).append(row)
    return [
        Satisfaction(
            month,
            len(rows),
            sum(1 for r in rows if r.score in SATISFIED),
            [r.comment for r in rows if r.comment],
        )
        for month, rows in months.items()
    ]

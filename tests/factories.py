"""Test data builders: the sample directory and submissions (from `harness.samples`, which the
production stack shares), submissions stored through the service, decisions and counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from checklists.loader import Registry
from checklists.routing import Route
from harness.samples import CATEGORY_REVIEW as CATEGORY_REVIEW
from harness.samples import DIGITAL_OPTIONS as DIGITAL_OPTIONS
from harness.samples import load_people as load_people
from harness.samples import submission_data as submission_data
from models.audit import LogEntry
from models.db import session_scope
from models.review import Action, ReviewTask
from models.submission import Submission
from services.decide import Condition, DecisionRequest, StandardAssessment, record_decision
from services.directory import load_directory, parse_directory
from services.intake import resubmit
from services.submit import submit

SERVICE = {
    "builds_service": True,
    "public_facing": True,
    "service_phase": "alpha",
    "service_standard": "wales",
}
# A service in discovery that expects to finish alpha on 30 June 2027: it owes an assessment then.
IN_DISCOVERY = {**SERVICE, "service_phase": "discovery", "expected_alpha_end": "2027-06-30"}


def add_person(engine: Engine, person_id: str, name: str, email: str, role: dict[str, str]) -> None:
    """One more person, with one role, beside the directory already loaded."""
    person = {"id": person_id, "name": name, "email": email, "roles": [role]}
    with session_scope(engine) as session:
        load_directory(session, parse_directory({"people": [person]}))


def submit_row(session: Session, data: Any, registry: Registry, **kwargs: Any) -> Submission:
    """Submit through the service in the caller's transaction; return the stored row."""
    found = session.get(Submission, submit(session, data, registry, **kwargs).submission_id)
    assert found is not None
    return found


def open_task(session: Session, submission_id: int) -> ReviewTask:
    """The submission's one open review task."""
    return session.exec(
        select(ReviewTask).where(
            ReviewTask.submission_id == submission_id, ReviewTask.status == "open"
        )
    ).one()


def make_submission(engine: Engine, registry: Registry, **kwargs: Any) -> int:
    with session_scope(engine) as session:
        return submit(session, submission_data(**kwargs), registry).submission_id


def decide(
    engine: Engine,
    registry: Registry,
    submission_id: int,
    stage: str,
    outcome: str,
    actor: str,
    **extra: Any,
) -> None:
    with session_scope(engine) as session:
        record_decision(
            session,
            DecisionRequest(
                submission_id=submission_id,
                stage=stage,
                outcome=outcome,
                rationale=extra.pop("rationale", "Because."),
                actor_id=actor,
                **extra,
            ),
            registry,
        )


def approved_to_category_review(engine: Engine, registry: Registry, **answers: Any) -> int:
    """A procurement that buys digital, approved at its digital-options review: it waits for
    the category manager (cm.est)."""
    sid = make_submission(engine, registry, kind="procurement", buys_digital=True, **answers)
    decide(engine, registry, sid, "digital_options_review", "approve", "dl.est")
    return sid


def approve_with_condition(
    engine: Engine, registry: Registry, submission_id: int, condition: str, due: date
) -> None:
    """The category manager approves, on one condition due on `due`."""
    decide(
        engine,
        registry,
        submission_id,
        "category_review",
        "approve_with_conditions",
        "cm.est",
        conditions=[Condition(condition, due)],
    )


def open_condition(
    engine: Engine,
    registry: Registry,
    due: date | None = None,
    condition: str = "Publish performance data",
) -> tuple[int, int]:
    """A procurement approved by cm.est with one condition, due on `due` (40 days from today
    unless given) and not yet reported done: (submission, action) ids."""
    sid = approved_to_category_review(engine, registry)
    approve_with_condition(
        engine, registry, sid, condition, due or date.today() + timedelta(days=40)
    )
    with session_scope(engine) as session:
        action_id = session.exec(select(Action.id).where(Action.submission_id == sid)).one()
    return sid, action_id or 0


def assess(
    engine: Engine,
    registry: Registry,
    submission_id: int,
    overall: str,
    ratings: dict[str, StandardAssessment],
    actor: str = "lead.one",
) -> None:
    """A Service Standard assessment: the overall rating and each standard's."""
    decide(engine, registry, submission_id, "service_assessment", overall, actor, ratings=ratings)


def request_changes_then_resubmit(
    engine: Engine,
    registry: Registry,
    submission_id: int,
    answers: dict[str, dict[str, Any]],
    stage: str = "digital_options_review",
    reviewer: str = "dl.est",
) -> Route:
    """The reviewer asks for changes; the submitter (policy.est) resubmits with `answers`.
    The new round's route."""
    decide(engine, registry, submission_id, stage, "request_changes", reviewer)
    with session_scope(engine) as session:
        _submission, route = resubmit(session, submission_id, "policy.est", answers, registry)
    return route


def all_green(
    registry: Registry, checklist: str = "service_standard_wales"
) -> dict[str, StandardAssessment]:
    return {qid: StandardAssessment("green") for qid in registry.get(checklist).questions}


def log_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(LogEntry)).one()


def publish_report_row(
    engine: Engine, submission_id: int, slug: str, status: str = "published"
) -> None:
    """The submission's assessment report as published (a `PublishedReport` row, as
    `services.report_publication` leaves it), or withdrawn."""
    from datetime import UTC, datetime

    from models.assessment_report import AssessmentReport
    from models.published_report import PublishedReport

    with session_scope(engine) as session:
        report = session.exec(
            select(AssessmentReport).where(AssessmentReport.submission_id == submission_id)
        ).one()
        submission = session.get(Submission, submission_id)
        assert submission is not None
        session.add(
            PublishedReport(
                report_id=report.id or 0,
                submission_id=submission_id,
                slug=slug,
                status=status,
                dg_code=submission.dg_code,
                phase=submission.phase or "alpha",
                result=report.result,
                assessed_on=report.assessed_on,
                title_cy=submission.title_cy,
                title_en=submission.title_en,
                first_published_at=datetime.now(UTC),
            )
        )

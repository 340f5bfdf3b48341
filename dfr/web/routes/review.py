"""The reviewer's decision form: outcome, rationale (Markdown) and conditions; for a Service
Standard assessment, red/amber/green with "done well" and "needs to explore" per standard and
the overall rating the lead assessor finalises. Recorded by `record_decision`, like the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.answers import RATINGS
from checklists.loader import Checklist, registry
from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, text
from dfr.web.routes.submissions import visible_submission
from dfr.web.templating import render
from flows.start import after_commit_in_background
from models.db import session_scope
from models.lifecycle import STAGES, Stage
from models.review import ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.decide import (
    Condition,
    DecisionRequest,
    StandardAssessment,
    record_decision,
    refusal_for,
)

router = APIRouter()
CONDITION_ROWS = 3


def _task(session: Session, visitor: Visitor, submission_id: int, task_id: int) -> ReviewTask:
    submission = visible_submission(session, visitor, submission_id)
    task = session.get(ReviewTask, task_id)
    if task is None or task.submission_id != submission_id:
        raise NotFoundError(_("There is no such review for this submission."))
    if task.status != "open":
        raise PermissionDeniedError(
            _("This review has already been decided (or is not open yet); nothing to do here.")
        )
    refusal = refusal_for(session, submission, Stage(task.stage), visitor.id, london_today())
    if refusal:
        raise PermissionDeniedError(refusal)
    return task


def _standards(task: ReviewTask) -> tuple[Checklist | None, list[Any]]:
    if task.stage != Stage.SERVICE_ASSESSMENT:
        return None, []
    checklist = registry().get(task.checklist_id or "", task.checklist_version)
    scope = set(task.scope or checklist.questions)
    return checklist, [q for q in checklist.definition.questions if q.id in scope]


def _page(
    request: Request,
    session: Session,
    task: ReviewTask,
    values: dict[str, Any],
    errors: FormErrors | None,
) -> Response:
    submission = session.get(Submission, task.submission_id)
    checklist, standards = _standards(task)
    return render(
        request,
        "review.html",
        400 if errors else 200,
        title=_("Record your decision"),
        s=submission,
        task=task,
        outcomes=STAGES[Stage(task.stage)].outcomes,
        checklist=checklist,
        standards=standards,
        values=values,
        rows=range(1, CONDITION_ROWS + 1),
        errors=errors,
        ratings=RATINGS,
    )


@router.get("/submissions/{submission_id}/review/{task_id}")
async def review_page(
    request: Request, submission_id: int, task_id: int, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        task = _task(session, visitor, submission_id, task_id)
        return _page(request, session, task, {}, None)


def _conditions(form: FormData, errors: FormErrors) -> list[Condition]:
    conditions = []
    for n in range(1, CONDITION_ROWS + 1):
        what = text(form, f"condition-{n}")
        parts = [text(form, f"condition-{n}-due-{p}") for p in ("day", "month", "year")]
        if not what and not any(parts):
            continue
        if not what:
            errors.add(f"condition-{n}", _("Say what must be done for condition {n}", n=n))
            continue
        try:
            due = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            errors.add(
                f"condition-{n}-due-day",
                _("Enter a real due date for condition {n}, for example 31 3 2027", n=n),
            )
            continue
        if due < london_today():
            errors.add(f"condition-{n}-due-day", _("The due date must be in the future"))
            continue
        conditions.append(Condition(what, due))
    return conditions


def _ratings(form: FormData, standards: list[Any], errors: FormErrors) -> dict[str, Any]:
    ratings = {}
    for standard in standards:
        rating = text(form, f"rating-{standard.id}")
        if rating not in RATINGS:
            errors.add(
                f"rating-{standard.id}",
                _("Rate standard {id}: red, amber or green", id=standard.id),
            )
            continue
        ratings[standard.id] = StandardAssessment(
            rating,
            text(form, f"done-well-{standard.id}"),
            text(form, f"to-explore-{standard.id}"),
        )
    return ratings


@router.post("/submissions/{submission_id}/review/{task_id}")
def decide(
    request: Request,
    submission_id: int,
    task_id: int,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    errors = FormErrors()
    values = {key: form.get(key) for key in form}
    with session_scope() as session:
        task = _task(session, visitor, submission_id, task_id)
        outcomes = STAGES[Stage(task.stage)].outcomes
        outcome, rationale = text(form, "outcome"), text(form, "rationale")
        _checklist, standards = _standards(task)
        ratings = _ratings(form, standards, errors)
        if outcome not in outcomes:
            errors.add("outcome", _("Choose your decision"))
        if not rationale:
            errors.add("rationale", _("Give a rationale: say why you decided this"))
        conditions = _conditions(form, errors)
        if not errors:
            try:
                record_decision(
                    session,
                    DecisionRequest(
                        submission_id=submission_id,
                        stage=task.stage,
                        outcome=outcome,
                        rationale=rationale,
                        actor_id=visitor.id,
                        conditions=conditions,
                        ratings=ratings,
                    ),
                    registry(),
                )
            except ValidationError as err:
                errors.add("outcome", err.message)
        if errors:
            session.rollback()  # nothing of a refused decision is kept
            return _page(request, session, task, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)

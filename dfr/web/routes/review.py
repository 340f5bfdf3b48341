"""The reviewer's decision form: outcome, rationale (Markdown) and conditions; for a Service
Standard assessment, red/amber/green with "done well" and "needs to explore" per standard and
the overall rating the lead assessor finalises. Recorded by `record_decision`, like the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.answers import RATINGS
from checklists.loader import Checklist, registry
from checklists.standards import standard_names
from dfr.errors import PermissionDeniedError, ValidationError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.errors import refusal
from dfr.web.forms import FormErrors, RowId, date_parts, text, typed_date
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models.assessment_panel import booking_of
from models.db import session_scope
from models.lifecycle import STAGES, Stage
from models.review import ReviewTask
from models.submission import Submission
from services.access import may_reassign, visible_submission
from services.decide import (
    Condition,
    DecisionRequest,
    StandardAssessment,
    decidable_task,
    record_decision,
)

router = APIRouter()
CONDITION_ROWS = 3


@dataclass(frozen=True)
class DecisionPage:
    """The review being decided and what its form asks for."""

    submission: Submission
    task: ReviewTask
    checklist: Checklist | None  # the standards, for a Service Standard assessment
    standards: list[Any]

    @property
    def outcomes(self) -> tuple[str, ...]:
        return tuple(STAGES[Stage(self.task.stage)].outcomes)

    @property
    def first_field(self) -> str:
        return f"rating-{self.standards[0].id}" if self.standards else "outcome"

    def field_id(self, field: str | None, condition_rows: Sequence[int]) -> str | None:
        """The form field a domain error is about (`DfrError.field`: `outcome`, `rationale`,
        `ratings.w01`, `conditions`, `conditions.2`, `conditions.2.due`), or None when this
        form has no such field. Conditions are numbered as given, from 1; `condition_rows`
        says which row of the form each came from."""
        name, _sep, rest = (field or "").partition(".")
        if name in ("outcome", "rationale") and not rest:
            return name
        if name == "ratings" and self.standards:
            if not rest:
                return self.first_field
            return f"rating-{rest}" if rest in {q.id for q in self.standards} else None
        if name != "conditions" or "approve_with_conditions" not in self.outcomes:
            return None
        if not rest:
            return f"condition-{condition_rows[0] if condition_rows else 1}"
        number, _sep, part = rest.partition(".")
        if not number.isdigit() or not 1 <= int(number) <= len(condition_rows):
            return None
        row = condition_rows[int(number) - 1]
        if part in ("", "text"):
            return f"condition-{row}"
        return f"condition-{row}-due-day" if part == "due" else None


def _decision_page(
    session: Session, visitor: Visitor, submission_id: int, task_id: int
) -> DecisionPage:
    submission = visible_submission(session, visitor, submission_id)
    task = decidable_task(session, submission, task_id, visitor.id)
    if task.stage != Stage.SERVICE_ASSESSMENT:
        return DecisionPage(submission, task, None, [])
    checklist = registry().get(task.checklist_id or "", task.checklist_version)
    scope = set(task.scope or checklist.questions)
    standards = [q for q in checklist.definition.questions if q.id in scope]
    return DecisionPage(submission, task, checklist, standards)


def _page(
    request: Request, page: DecisionPage, values: dict[str, Any], errors: FormErrors | None
) -> Response:
    return render_form(
        request,
        "review.html",
        errors,
        title=_("Record your decision"),
        s=page.submission,
        task=page.task,
        outcomes=page.outcomes,
        checklist=page.checklist,
        standards=page.standards,
        standard_names=standard_names([page.checklist] if page.checklist else [], get_language()),
        values=values,
        rows=range(1, CONDITION_ROWS + 1),
        ratings=RATINGS,
    )


@router.get("/submissions/{submission_id}/review/{task_id}")
async def review_page(
    request: Request, submission_id: RowId, task_id: RowId, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        try:
            page = _decision_page(session, visitor, submission_id, task_id)
        except PermissionDeniedError as refused:
            return _refused(request, session, visitor, submission_id, task_id, refused)
        if page.checklist is not None and booking_of(session, task_id) is not None:
            # A booked panel's result is settled from its ratings (`services.decide`), so the
            # lead is taken there rather than shown a form that would be refused.
            return RedirectResponse(
                f"/submissions/{submission_id}/assessment/ratings", status_code=303
            )
        return _page(request, page, {}, None)


def _refused(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    task_id: int,
    refused: PermissionDeniedError,
) -> Response:
    """The refusal, with the way on for someone who may give the review to themselves or
    another: the reassign page."""
    submission = visible_submission(session, visitor, submission_id)
    if refused.field != "actor" or not may_reassign(session, visitor.id, submission.dg_code):
        raise refused
    return refusal(
        request,
        403,
        refused.message,
        _("You cannot do that"),
        link=(f"/submissions/{submission_id}/reassign/{task_id}", _("Reassign this review")),
    )


def _conditions(form: FormData, errors: FormErrors) -> tuple[list[Condition], list[int]]:
    """The conditions given, and the form row each came from. Only what cannot be read is
    refused here (a date that is not a date); `record_decision` judges the rest."""
    conditions, rows = [], []
    for n in range(1, CONDITION_ROWS + 1):
        what = text(form, f"condition-{n}")
        parts = date_parts(form, f"condition-{n}-due")
        if not what and not any(parts.values()):
            continue
        try:
            due = typed_date(parts)
            if due is None:
                raise ValueError("no due date")
        except ValueError:
            errors.add(
                f"condition-{n}-due-day",
                _("Enter a real due date for condition {n}, for example 31 3 2027", n=n),
            )
            continue
        conditions.append(Condition(what, due))
        rows.append(n)
    return conditions, rows


def _ratings(form: FormData, page: DecisionPage, errors: FormErrors) -> dict[str, Any]:
    ratings = {}
    names = standard_names([page.checklist] if page.checklist else [], get_language())
    for standard in page.standards:
        rating = text(form, f"rating-{standard.id}")
        if not rating:  # nothing chosen; a value that is not a rating is refused by the service
            errors.add(
                f"rating-{standard.id}",
                _("Rate “{standard}”: red, amber or green", standard=names[standard.id]),
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
    submission_id: RowId,
    task_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    """Read the form, then `record_decision` checks and records it; a refusal is shown beside
    the field it is about."""
    errors = FormErrors()
    values = {key: form.get(key) for key in form}
    with session_scope() as session:
        page = _decision_page(session, visitor, submission_id, task_id)
        ratings = _ratings(form, page, errors)
        outcome = text(form, "outcome")
        if not outcome:
            errors.add("outcome", _("Choose your decision"))
        conditions, rows = _conditions(form, errors)
        if not errors:
            try:
                record_decision(
                    session,
                    DecisionRequest(
                        submission_id=submission_id,
                        stage=page.task.stage,
                        outcome=outcome,
                        rationale=text(form, "rationale"),
                        actor_id=visitor.id,
                        conditions=conditions,
                        ratings=ratings,
                    ),
                    registry(),
                )
            except ValidationError as err:
                field_id = page.field_id(err.field, rows)
                if field_id:
                    errors.add(field_id, err.message)
                else:
                    errors.add_to_summary(err.message, page.first_field)
        if errors:
            session.rollback()  # nothing of a refused decision is kept
            return _page(request, page, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)

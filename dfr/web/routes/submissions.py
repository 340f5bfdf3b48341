"""One submission: its answers, route, stages, decision history, conditions and actions; the
confirmation after sending; responding to "changes requested"; withdrawing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.loader import registry
from dfr.errors import ValidationError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.questions import display_answer
from dfr.web.templating import render, render_form
from flows.start import after_commit_in_background
from models import text_limits
from models.db import session_scope
from models.queries import SubmissionDetail, directorate, submission_detail
from models.submission import Submission
from services.access import decidable_by, may_reassign, visible_submission
from services.acknowledgements import (
    acknowledge_on_opening,
    acknowledgement_of,
    acknowledgement_owed,
)
from services.actions import action_people, offered_moves
from services.describe import flag_texts, names_for
from services.drafts import start_resubmission
from services.intake import withdraw, withdrawable
from services.report_responses import report_task_for
from services.service_links import submission_link

router = APIRouter()


def visible_detail(session: Session, visitor: Visitor, submission_id: int) -> SubmissionDetail:
    visible_submission(session, visitor, submission_id)  # checked before anything is read
    return submission_detail(session, submission_id)


def _answer_rows(detail: SubmissionDetail) -> list[tuple[Any, list[tuple[str, str]]]]:
    reg = registry()
    sections = []
    for pinned in detail.answers:
        checklist = reg.get(pinned.checklist_id, pinned.checklist_version)
        rows = [
            (q.text.get(get_language()), display_answer(q, pinned.answers[q.id]))
            for q in checklist.definition.questions
            if q.id in pinned.answers
        ]
        sections.append((checklist, rows))
    return sections


def submission_page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    errors: FormErrors | None = None,
    values: dict[int, dict[str, str]] | None = None,
    service_choice: str | None = None,
) -> Response:
    """The submission page (with `errors` and the `values` typed into one action's form, 400,
    after a refused step; `service_choice` is what its register service form sent, if that
    was refused)."""
    detail = visible_detail(session, visitor, submission_id)
    dg = directorate(session, detail.submission.dg_code)
    reg = registry()
    decidable = decidable_by(session, detail.submission, detail.tasks, visitor.id)
    reassignable = may_reassign(session, visitor.id, detail.submission.dg_code)
    return render(
        request,
        "submission.html",
        400 if errors else 200,
        title=detail.submission.title(get_language()),
        detail=detail,
        s=detail.submission,
        dg=dg,
        sections=_answer_rows(detail),
        flag_texts=flag_texts(detail, reg),
        decidable=decidable,
        reassignable=reassignable,
        is_submitter=detail.submission.submitter_id == visitor.id,
        registry=reg,
        action_moves=offered_moves(session, detail.submission, detail.actions, visitor.id),
        action_people=action_people(session, detail.actions),
        names=names_for(session, detail, reg, get_language()),
        report_task=report_task_for(session, visitor.id, submission_id),
        service_link=submission_link(session, visitor, detail.submission),
        service_choice=service_choice,
        acknowledgement=acknowledgement_of(session, submission_id),
        errors=errors,
        values=values or {},
    )


@router.get("/submissions/{submission_id}")
async def submission_page_for(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, background: BackgroundTasks
) -> Response:
    with session_scope(read_only=True) as session:
        owed = acknowledgement_owed(session, visitor.id, submission_id)
    if owed:  # its reviewer's first look acknowledges it to the submitter
        with session_scope() as session:
            acknowledge_on_opening(session, submission_id, visitor.id)
        background.add_task(after_commit_in_background, submission_id)
    with session_scope(read_only=True) as session:
        return submission_page(request, session, visitor, submission_id)


@router.get("/submissions/{submission_id}/confirmation")
async def confirmation(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        detail = visible_detail(session, visitor, submission_id)
        return render(
            request,
            "confirmation.html",
            title=_("Submission sent"),
            s=detail.submission,
            tasks=detail.tasks,
            registry=registry(),
        )


@router.post("/submissions/{submission_id}/resubmit")
def resubmit_after_changes(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    """Start answering again: a draft holding the current answers, then the question pages."""
    with session_scope() as session:
        draft = start_resubmission(session, visitor, submission_id, registry())
        return RedirectResponse(f"/drafts/{draft.id}/check", status_code=303)


def _withdraw_page(
    request: Request, submission: Submission, reason: str, errors: FormErrors | None
) -> Response:
    return render_form(
        request,
        "withdraw.html",
        errors,
        title=_("Withdraw this submission?"),
        s=submission,
        reason=reason,
        reason_limit=text_limits.REASON,
    )


@router.get("/submissions/{submission_id}/withdraw")
async def withdraw_page(
    request: Request, submission_id: RowId, visitor: CurrentVisitor
) -> Response:
    """Are you sure? (GOV.UK: confirm what cannot be undone before doing it.)"""
    with session_scope(read_only=True) as session:
        submission = visible_submission(session, visitor, submission_id)
        return _withdraw_page(request, withdrawable(submission, visitor.id), "", None)


@router.post("/submissions/{submission_id}/withdraw")
def withdraw_submission(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    reason = text(form, "reason")
    with session_scope() as session:
        submission = visible_submission(
            session, visitor, submission_id
        )  # a stranger learns nothing
        try:
            withdraw(session, submission_id, visitor.id, reason)
        except ValidationError as refused:
            session.rollback()  # nothing of a refused withdrawal is kept
            errors = FormErrors()
            errors.add("reason", refused.message)
            return _withdraw_page(request, submission, reason, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)

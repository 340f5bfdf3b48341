"""Giving an open review to someone else: administrators, the Digital CoE and the DG's Digital
Leader choose who may decide it instead and say why (`services.reassign`, logged). Only a
review's assignee (or their cover) decides it, so whoever else should decide reassigns first."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, text
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models.db import session_scope
from models.queries import person
from models.review import ReviewTask
from models.submission import Submission
from services.access import reassign_candidates, visible_submission
from services.reassign import reassign, reassignable_review

router = APIRouter()


def _open_review(
    session: Session, visitor: Visitor, submission_id: int, task_id: int
) -> tuple[Submission, ReviewTask]:
    """The submission (if the visitor may see it) and its open review `task_id` (if the
    visitor may reassign it)."""
    submission = visible_submission(session, visitor, submission_id)
    return submission, reassignable_review(session, visitor.id, submission, task_id)


def _page(
    request: Request,
    session: Session,
    submission: Submission,
    task: ReviewTask,
    values: dict[str, Any],
    errors: FormErrors | None,
) -> Response:
    candidates = reassign_candidates(session, submission, task)
    holder = person(session, task.assignee_id) if task.assignee_id else None
    return render_form(
        request,
        "reassign.html",
        errors,
        title=_("Reassign this review"),
        s=submission,
        task=task,
        candidates=candidates,
        holder=holder.name if holder else "—",
        values=values,
    )


@router.get("/submissions/{submission_id}/reassign/{task_id}")
async def reassign_page(
    request: Request, submission_id: int, task_id: int, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        submission, task = _open_review(session, visitor, submission_id, task_id)
        return _page(request, session, submission, task, {}, None)


@router.post("/submissions/{submission_id}/reassign/{task_id}")
def reassign_review(
    request: Request,
    submission_id: int,
    task_id: int,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    errors = FormErrors()
    values = {"to": text(form, "to"), "reason": text(form, "reason")}
    if not values["to"]:
        errors.add("to", _("Choose who should decide this review"))
    if not values["reason"]:
        errors.add("reason", _("Say why you are reassigning it"))
    with session_scope() as session:
        submission, task = _open_review(session, visitor, submission_id, task_id)
        if not errors:
            try:
                reassign(
                    session, submission_id, task.stage, values["to"], values["reason"], visitor.id
                )
            except DfrError as err:
                errors.add("reason" if err.field == "reason" else "to", err.message)
        if errors:
            session.rollback()  # nothing of a refused reassignment is kept
            return _page(request, session, submission, task, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)

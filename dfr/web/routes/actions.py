"""Closing a condition or an amber action from the submission page: the submitter marks it
done (a note and a link to the evidence), the reviewer who set it confirms it or sends it back
with a reason. `services.actions` decides who may; a refused step shows the submission page
again with the reason beside the field, and keeps nothing."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import TransitionError, ValidationError
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.routes.submissions import submission_page
from flows.start import after_commit_in_background
from models.db import session_scope
from services.access import visible_submission
from services.actions import confirm_done, report_done, send_back

router = APIRouter()
PATH = "/submissions/{submission_id}/actions/{action_id}"
FIELDS = ("note", "evidence", "reason")  # each form field's id is `{field}-{action id}`


def _step(
    request: Request,
    visitor: Visitor,
    submission_id: int,
    action_id: int,
    values: dict[str, str],
    take: Callable[[Session], object],
    background: BackgroundTasks,
) -> Response:
    with session_scope() as session:
        visible_submission(session, visitor, submission_id)  # a stranger learns nothing
        try:
            take(session)
        except (ValidationError, TransitionError) as err:
            session.rollback()  # nothing of a refused step is kept
            errors = FormErrors()
            if err.field in FIELDS:
                errors.add(f"{err.field}-{action_id}", err.message)
            else:
                errors.add_to_summary(err.message, f"action-{action_id}")
            return submission_page(
                request, session, visitor, submission_id, errors, {action_id: values}
            )
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}#action-{action_id}", status_code=303)


@router.post(f"{PATH}/done")
def mark_done(
    request: Request,
    submission_id: RowId,
    action_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    values = {"note": text(form, "note"), "evidence": text(form, "evidence")}
    return _step(
        request,
        visitor,
        submission_id,
        action_id,
        values,
        lambda session: report_done(
            session,
            action_id,
            visitor.id,
            values["note"],
            values["evidence"],
            submission_id=submission_id,
        ),
        background,
    )


@router.post(f"{PATH}/confirm")
def confirm(
    request: Request,
    submission_id: RowId,
    action_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    return _step(
        request,
        visitor,
        submission_id,
        action_id,
        {},
        lambda session: confirm_done(session, action_id, visitor.id, submission_id=submission_id),
        background,
    )


@router.post(f"{PATH}/send-back")
def send_it_back(
    request: Request,
    submission_id: RowId,
    action_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    values = {"reason": text(form, "reason")}
    return _step(
        request,
        visitor,
        submission_id,
        action_id,
        values,
        lambda session: send_back(
            session, action_id, visitor.id, values["reason"], submission_id=submission_id
        ),
        background,
    )

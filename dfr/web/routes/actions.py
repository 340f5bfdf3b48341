"""Closing a condition or an amber action from the submission page: the submitter marks it
done (a note and a link to the evidence), the reviewer who set it confirms it or sends it back
with a reason. `services.actions` decides who may; a refused step shows the submission page
again with the reason beside the field, and keeps nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import TransitionError, ValidationError
from dfr.web.auth import CurrentVisitor, PostedForm
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.routes.submissions import submission_page
from flows.start import after_commit_in_background
from models.db import session_scope
from services.access import visible_submission
from services.actions import confirm_done, report_done, send_back

router = APIRouter()
PATH = "/submissions/{submission_id}/actions/{action_id}"
FIELDS = ("note", "evidence", "reason")  # each form field's id is `{field}-{action id}`


class ActionStep:
    """A posted step on one action of one submission, with what the page needs to answer it."""

    def __init__(
        self,
        request: Request,
        submission_id: RowId,
        action_id: RowId,
        visitor: CurrentVisitor,
        form: PostedForm,
        background: BackgroundTasks,
    ) -> None:
        self.request, self.visitor, self.form = request, visitor, form
        self.submission_id, self.action_id, self.background = submission_id, action_id, background

    def take(self, service: Callable[..., object], *fields: str) -> Response:
        """`service(session, action id, visitor id, *the fields' text)`, then back to the
        action on the submission page; a refusal shows that page with the reason."""
        values = {name: text(self.form, name) for name in fields}
        submission_id, action_id = self.submission_id, self.action_id
        with session_scope() as session:
            visible_submission(session, self.visitor, submission_id)  # a stranger learns nothing
            try:
                service(
                    session,
                    action_id,
                    self.visitor.id,
                    *values.values(),
                    submission_id=submission_id,
                )
            except (ValidationError, TransitionError) as err:
                session.rollback()  # nothing of a refused step is kept
                errors = FormErrors()
                if err.field in FIELDS:
                    errors.add(f"{err.field}-{action_id}", err.message)
                else:
                    errors.add_to_summary(err.message, f"action-{action_id}")
                return submission_page(
                    self.request, session, self.visitor, submission_id, errors, {action_id: values}
                )
        self.background.add_task(after_commit_in_background, submission_id)
        return RedirectResponse(f"/submissions/{submission_id}#action-{action_id}", status_code=303)


Step = Annotated[ActionStep, Depends()]


@router.post(f"{PATH}/done")
def mark_done(step: Step) -> Response:
    return step.take(report_done, "note", "evidence")


@router.post(f"{PATH}/confirm")
def confirm(step: Step) -> Response:
    return step.take(confirm_done)


@router.post(f"{PATH}/send-back")
def send_it_back(step: Step) -> Response:
    return step.take(send_back, "reason")

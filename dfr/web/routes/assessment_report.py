"""The assessment report on the web: what it says, in the page's language, and whether each
language version is complete; for its lead, a form per language and "Send the report", which
`services.assessment_reports` refuses until both are complete. Once sent, the team's answer
(accept or challenge), the panel's answer to a challenge and the feedback survey are offered
here and handled in `dfr.web.routes.report_response`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.loader import registry
from checklists.standards import standard_names
from dfr.errors import NotFoundError, TransitionError, ValidationError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models.assessment_report import LANGUAGES
from models.db import session_scope
from models.review import ReviewTask
from services.assessment_reports import ReportView, described, edit_report, report_view, send_report
from services.report_responses import response_view

router = APIRouter()
PATH = "/submissions/{submission_id}/assessment/report"


def report_names(session: Session, view: ReportView) -> dict[str, str]:
    """The report's standards by number and title, in the page's language."""
    task = session.get(ReviewTask, view.report.task_id)
    checklist = registry().get(task.checklist_id or "", task.checklist_version) if task else None
    return standard_names([checklist] if checklist else [], get_language())


def _page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    errors: FormErrors | None = None,
) -> Response:
    response = response_view(session, visitor.id, submission_id)
    view = response.report
    return render_form(
        request,
        "assessment_report.html",
        errors,
        title=_("Assessment report"),
        s=view.submission,
        view=view,
        response=response,
        thanked=request.query_params.get("feedback") == "thanks",
        standard_names=report_names(session, view),
        missing={language: described(view.missing[language]) for language in LANGUAGES},
    )


def report_page_with(
    request: Request, session: Session, visitor: Visitor, submission_id: int, refusal: str
) -> Response:
    """The report page with a refusal in its error summary."""
    errors = FormErrors()
    errors.add_to_summary(refusal, "response")
    return _page(request, session, visitor, submission_id, errors)


@router.get(PATH)
async def report_page(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        return _page(request, session, visitor, submission_id)


@router.post(f"{PATH}/send")
def send(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,  # checks the CSRF token
    background: BackgroundTasks,
) -> Response:
    with session_scope() as session:
        try:
            send_report(session, submission_id, visitor.id)
        except (ValidationError, TransitionError) as err:
            session.rollback()  # nothing of a refused step is kept
            errors = FormErrors()
            errors.add_to_summary(err.message, "completeness")
            return _page(request, session, visitor, submission_id, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}/assessment/report", status_code=303)


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise NotFoundError(_("Check the web address is correct."))
    return language


@router.get(f"{PATH}/{{language}}")
async def edit_page(
    request: Request, submission_id: RowId, language: str, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        return _edit(request, session, visitor, submission_id, _language(language), None, None)


def _edit(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    language: str,
    values: dict[str, Any] | None,
    errors: FormErrors | None,
) -> Response:
    view = report_view(session, visitor.id, submission_id)
    if not view.may_edit:
        raise NotFoundError(_("Check the web address is correct."))
    if values is None:
        values = {"summary": view.report.summary(language)} | {
            f"{part}-{s.standard_id}": s.text(part.replace("-", "_"), language)
            for s in view.sections
            for part in ("done-well", "to-explore")
        }
    other = "en" if language == "cy" else "cy"
    return render_form(
        request,
        "assessment_report_edit.html",
        errors,
        title=_("Write the report"),
        s=view.submission,
        view=view,
        language=language,
        other=other,
        values=values,
        standard_names=report_names(session, view),
    )


@router.post(f"{PATH}/{{language}}")
def save(
    request: Request,
    submission_id: RowId,
    language: str,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    language = _language(language)
    values = {key: text(form, key) for key in form if key != "csrf_token"}
    with session_scope() as session:
        view = report_view(session, visitor.id, submission_id)
        notes = {
            s.standard_id: (values.get(f"done-well-{s.standard_id}", ""),
                            values.get(f"to-explore-{s.standard_id}", ""))
            for s in view.sections
        }  # fmt: skip
        try:
            edit_report(
                session, submission_id, visitor.id, language, values.get("summary", ""), notes
            )
        except (ValidationError, TransitionError) as err:
            session.rollback()
            errors = FormErrors()
            field = err.field or ""
            if field.startswith("notes."):
                errors.add(f"done-well-{field.removeprefix('notes.')}", err.message)
            elif field == "summary":
                errors.add("summary", err.message)
            else:
                errors.add_to_summary(err.message, "main-content")
            return _edit(request, session, visitor, submission_id, language, values, errors)
    return RedirectResponse(f"/submissions/{submission_id}/assessment/report", status_code=303)

"""The assessment page of a submission at its Service Standard assessment: the date and panel
(booked by the Digital CoE or the lead assessor), each member's declaration of interests, and
the team's evidence. `services.panels` decides who may do what; a refused form shows the page
again with the reason beside the field, and keeps nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import TransitionError, ValidationError
from dfr.i18n import _
from dfr.settings import get_settings
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, date_parts, text, typed_date
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models.assessment_panel import EVIDENCE_KINDS, disciplines_for
from models.db import session_scope
from services.panel_declarations import add_evidence, declare_interests
from services.panel_view import panel_view
from services.panels import book_assessment, replace_assessor

router = APIRouter()
PATH = "/submissions/{submission_id}/assessment"
# Where a service's refusal about a field is shown on the page (field → the input's id).
FIELD_IDS = {
    "date": "date-day",
    "detail": "detail",
    "kind": "kind",
    "evidence": "url",
    "description": "description",
    "observers": "observers",
}


def _page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    view = panel_view(session, visitor, submission_id)
    return render_form(
        request,
        "assessment.html",
        errors,
        title=_("Service Standard assessment"),
        s=view.submission,
        view=view,
        values=values or {},
        evidence_kinds=EVIDENCE_KINDS,
        notice_weeks=get_settings().assessment_notice_weeks,
    )


@router.get(PATH)
async def assessment_page(
    request: Request, submission_id: RowId, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        return _page(request, session, visitor, submission_id)


def _take(
    request: Request,
    visitor: Visitor,
    submission_id: int,
    background: BackgroundTasks,
    values: dict[str, Any],
    step: Callable[[Session], object],
    errors: FormErrors | None = None,
) -> Response:
    """Run `step`, then back to the page; a refusal shows the page with the reason."""
    errors = errors or FormErrors()
    with session_scope() as session:
        panel_view(session, visitor, submission_id)  # a stranger learns nothing
        if not errors:
            try:
                step(session)
            except (ValidationError, TransitionError) as err:
                field = err.field or ""
                if field.startswith("panel."):
                    errors.add(f"seat-{field.removeprefix('panel.')}", err.message)
                elif field in FIELD_IDS:
                    errors.add(FIELD_IDS[field], err.message)
                else:
                    errors.add_to_summary(err.message, "main-content")
        if errors:
            session.rollback()  # nothing of a refused step is kept
            return _page(request, session, visitor, submission_id, errors, values)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}/assessment", status_code=303)


@router.post(f"{PATH}/book")
def book(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    errors = FormErrors()
    parts = date_parts(form, "date")
    seats = {k.removeprefix("seat-"): text(form, k) for k in form if k.startswith("seat-")}
    observers = [str(v) for v in form.getlist("observers") if str(v)]
    values = {"date": parts, "seats": seats, "observers": observers}
    try:
        day = typed_date(parts)
    except ValueError:
        day = None
        errors.add("date-day", _("Enter the assessment date as a real date, for example 27 3 2027"))
    if day is None and not errors:
        errors.add("date-day", _("Enter the assessment date"))
    return _take(
        request,
        visitor,
        submission_id,
        background,
        values,
        lambda session: book_assessment(
            session, submission_id, visitor.id, day or date.min, seats, observers
        ),
        errors,
    )


@router.post(f"{PATH}/replace")
def replace(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    discipline = text(form, "discipline")
    person = text(form, f"seat-{discipline}")
    errors = FormErrors()
    if discipline not in disciplines_for("live"):
        errors.add_to_summary(_("Choose a seat on the panel."), "main-content")
    return _take(
        request,
        visitor,
        submission_id,
        background,
        {"seats": {discipline: person}},
        lambda session: replace_assessor(session, submission_id, visitor.id, discipline, person),
        errors,
    )


@router.post(f"{PATH}/declare")
def declare(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    answer, detail = text(form, "conflicted"), text(form, "detail")
    errors = FormErrors()
    if answer not in ("yes", "no"):
        errors.add("conflicted", _("Say whether you have a conflict of interests"))
    return _take(
        request,
        visitor,
        submission_id,
        background,
        {"conflicted": answer, "detail": detail},
        lambda session: declare_interests(
            session, submission_id, visitor.id, answer == "yes", detail
        ),
        errors,
    )


@router.post(f"{PATH}/evidence")
def evidence(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    values = {name: text(form, name) for name in ("kind", "url", "description")}
    return _take(
        request,
        visitor,
        submission_id,
        background,
        values,
        lambda session: add_evidence(
            session, submission_id, visitor.id, values["kind"], values["url"], values["description"]
        ),
    )

"""Rating an assessment on the web: an assessor rates the standards their seat covers (a draft,
or sent to the lead); the lead reads every note side by side, saves a draft, and settles each
standard's rating and the overall result. The rules are `services.ratings`; a refused form
shows the page again with the reason beside the field, and keeps nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.answers import RATINGS
from checklists.loader import registry
from checklists.standards import standard_names
from dfr.errors import TransitionError, ValidationError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models.db import session_scope
from services.decide import StandardAssessment
from services.ratings import RatingSheet, rating_sheet, save_draft, save_ratings, settle

router = APIRouter()
PATH = "/submissions/{submission_id}/assessment/ratings"


def _values(sheet: RatingSheet) -> dict[str, str]:
    """What the form starts with: the visitor's saved ratings, or the lead's draft."""
    values: dict[str, str] = {}
    for standard, row in sheet.my_ratings.items():
        values |= {f"rating-{standard}": row.rating, f"done-well-{standard}": row.done_well,
                   f"to-explore-{standard}": row.to_explore}  # fmt: skip
    if sheet.draft is not None:
        for standard, note in sheet.draft.ratings.items():
            values |= {f"rating-{standard}": note["rating"], f"done-well-{standard}":
                       note["done_well"], f"to-explore-{standard}": note["to_explore"]}  # fmt: skip
        values |= {"outcome": sheet.draft.outcome, "rationale": sheet.draft.rationale}
    return values


def _page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    errors: FormErrors | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    reg = registry()
    sheet = rating_sheet(session, visitor.id, submission_id, reg)
    checklist = reg.get(sheet.task.checklist_id or "", sheet.task.checklist_version)
    return render_form(
        request,
        "assessment_ratings.html",
        errors,
        title=_("Rate the standards"),
        s=sheet.submission,
        sheet=sheet,
        guidance={q.id: q.guidance for q in checklist.definition.questions},
        standard_names=standard_names([checklist], get_language()),
        values=values if values is not None else _values(sheet),
        ratings=RATINGS,
    )


@router.get(PATH)
async def ratings_page(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        return _page(request, session, visitor, submission_id)


def _notes(form: FormData, standards: list[str]) -> dict[str, StandardAssessment]:
    """The standards the form rated or wrote about."""
    notes = {}
    for standard in standards:
        rating = text(form, f"rating-{standard}")
        done_well, to_explore = (
            text(form, f"done-well-{standard}"),
            text(form, f"to-explore-{standard}"),
        )
        if rating or done_well or to_explore:
            notes[standard] = StandardAssessment(rating, done_well, to_explore)
    return notes


def _take(
    request: Request,
    visitor: Visitor,
    submission_id: int,
    form: FormData,
    background: BackgroundTasks,
    step: Callable[[Session, RatingSheet, dict[str, StandardAssessment]], object],
) -> Response:
    values = {key: text(form, key) for key in form if key != "csrf_token"}
    with session_scope() as session:
        sheet = rating_sheet(session, visitor.id, submission_id, registry())
        try:
            step(session, sheet, _notes(form, sheet.standards))
        except (ValidationError, TransitionError) as err:
            session.rollback()  # nothing of a refused step is kept
            errors = FormErrors()
            field = err.field or ""
            if field.startswith("ratings."):
                errors.add(f"rating-{field.removeprefix('ratings.')}", err.message)
            elif field in ("outcome", "rationale"):
                errors.add(field, err.message)
            else:
                errors.add_to_summary(err.message, "main-content")
            return _page(request, session, visitor, submission_id, errors, values)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}/assessment/ratings", status_code=303)


@router.post(PATH)
def rate(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    """An assessor's ratings: `send` sends them to the lead, anything else saves a draft."""
    final = text(form, "action") == "send"

    def step(session: Session, sheet: RatingSheet, notes: dict[str, StandardAssessment]) -> object:
        return save_ratings(session, submission_id, visitor.id, notes, registry(), final=final)

    return _take(request, visitor, submission_id, form, background, step)


@router.post(f"{PATH}/settle")
def settle_ratings(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    """The lead's draft (`action=draft`) or the settled ratings; settled, back to the
    submission, whose assessment is decided."""
    outcome, rationale = text(form, "outcome"), text(form, "rationale")
    if text(form, "action") == "draft":

        def draft(
            session: Session, sheet: RatingSheet, notes: dict[str, StandardAssessment]
        ) -> object:
            return save_draft(session, submission_id, visitor.id, notes, outcome, rationale)

        return _take(request, visitor, submission_id, form, background, draft)

    def final(session: Session, sheet: RatingSheet, notes: dict[str, StandardAssessment]) -> object:
        return settle(session, submission_id, visitor.id, notes, outcome, rationale, registry())

    response = _take(request, visitor, submission_id, form, background, final)
    if isinstance(response, RedirectResponse):
        return RedirectResponse(f"/submissions/{submission_id}/assessment/report", status_code=303)
    return response

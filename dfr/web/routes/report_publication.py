"""Publishing an assessment report on the web, for its lead or the Digital CoE: the preview of
exactly what the public will see in Welsh and English with the phrases to withhold marked,
"Publish", and, once published, a correction (more phrases withheld, with the reason) or
withdrawal. The rules are in `services.report_publication` and `services.report_corrections`."""

from __future__ import annotations

from fastapi import APIRouter
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import TransitionError, ValidationError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.templating import render_form
from models.db import session_scope
from services.report_corrections import correct_report, withdraw_report
from services.report_publication import publication_view, publish_report

router = APIRouter()
PATH = "/submissions/{submission_id}/assessment/report/publication"
FIELDS = {"redactions": "redactions", "reason.cy": "reason-cy", "reason.en": "reason-en"}


def _lines(value: str | None) -> list[str] | None:
    return None if value is None else value.splitlines()


def _page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    redactions: str | None,
    errors: FormErrors | None = None,
) -> Response:
    try:
        view = publication_view(session, visitor.id, submission_id, _lines(redactions))
    except ValidationError as err:
        errors = errors or FormErrors()
        errors.add("redactions", err.message)
        view = publication_view(session, visitor.id, submission_id, [])
    return render_form(
        request,
        "report_publication.html",
        errors,
        title=_("Publish the assessment report"),
        s=view.submission,
        view=view,
        typed="\n".join(view.redactions) if redactions is None else redactions,
    )


@router.get(PATH)
async def preview_page(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    redactions = request.query_params.get("redactions")
    with session_scope(read_only=True) as session:
        return _page(request, session, visitor, submission_id, redactions)


def _refused(err: ValidationError | TransitionError) -> FormErrors:
    errors = FormErrors()
    if err.field in FIELDS:
        errors.add(FIELDS[err.field], err.message)
    else:
        errors.add_to_summary(err.message, "publish")
    return errors


@router.post(f"{PATH}/publish")
def publish(
    request: Request, submission_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    redactions = text(form, "redactions")
    with session_scope() as session:
        try:
            published = publish_report(
                session,
                submission_id,
                visitor.id,
                redactions.splitlines(),
                expected_hash=text(form, "content_hash") or None,
            )
        except (ValidationError, TransitionError) as err:
            session.rollback()  # nothing of a refused step is kept
            return _page(request, session, visitor, submission_id, redactions, _refused(err))
        slug = published.slug
    return RedirectResponse(f"/reports/{slug}?lang={get_language()}", status_code=303)


@router.post(f"{PATH}/{{step}}")
def change(
    request: Request, submission_id: RowId, step: str, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    """A correction (`correct`: more phrases withheld) or withdrawal (`withdraw`)."""
    reasons = text(form, "reason-cy"), text(form, "reason-en")
    with session_scope() as session:
        view = publication_view(session, visitor.id, submission_id, [])
        if view.published is None or step not in ("correct", "withdraw"):
            return _page(request, session, visitor, submission_id, None)
        slug = view.published.slug
        try:
            if step == "correct":
                correct_report(session, slug, visitor.id, *reasons,
                               redactions=text(form, "more-redactions").splitlines())  # fmt: skip
            else:
                withdraw_report(session, slug, visitor.id, *reasons)
        except (ValidationError, TransitionError) as err:
            session.rollback()
            errors = _refused(err)
            if err.field == "redactions":
                errors = FormErrors()
                errors.add("more-redactions", err.message)
            return _page(request, session, visitor, submission_id, None, errors)
    return RedirectResponse(f"/reports/{slug}?lang={get_language()}", status_code=303)

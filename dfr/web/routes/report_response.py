"""The team's answer to an assessment report on the web: accept it, or challenge named
standards with a reason each; the lead's answer to a challenge; the team's feedback once the
report is final. The rules are in `services.report_responses` and `services.report_feedback`;
these pages parse, call and present."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.dates import long_month
from dfr.errors import DfrError, NotFoundError, PermissionDeniedError, TransitionError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.routes.assessment_report import PATH, report_names, report_page_with
from dfr.web.templating import render, render_form
from flows.start import after_commit_in_background
from models.dates import add_months
from models.db import session_scope
from models.report_response import SATISFACTION
from models.working_days import london_today
from services.report_feedback import give_feedback, satisfaction_figures
from services.report_responses import (
    ResponseView,
    StandardAnswer,
    accept_report,
    answer_challenge,
    challenge_report,
    response_view,
)

router = APIRouter()


def _report(submission_id: int) -> RedirectResponse:
    return RedirectResponse(PATH.format(submission_id=submission_id), status_code=303)


def _form_page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    template: str,
    title: str,
    allowed: Callable[[ResponseView], bool],
    values: dict[str, Any],
    errors: FormErrors | None,
) -> Response:
    view = response_view(session, visitor.id, submission_id)
    if not allowed(view):
        raise NotFoundError(_("Check the web address is correct."))
    return render_form(
        request,
        template,
        errors,
        title=title,
        s=view.report.submission,
        view=view,
        values=values,
        standard_names=report_names(session, view.report),
        scale=list(SATISFACTION.items()),
    )


def _refused(err: DfrError, field_for: Callable[[str], str | None]) -> FormErrors:
    errors = FormErrors()
    field = field_for(err.field or "")
    if field:
        errors.add(field, err.message)
    else:
        errors.add_to_summary(err.message, "main-content")
    return errors


@router.post(f"{PATH}/accept")
def accept(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,  # checks the CSRF token
    background: BackgroundTasks,
) -> Response:
    with session_scope() as session:
        try:
            accept_report(session, submission_id, visitor.id)
        except (TransitionError, PermissionDeniedError) as err:
            session.rollback()  # nothing of a refused step is kept
            return report_page_with(request, session, visitor, submission_id, err.message)
    background.add_task(after_commit_in_background, submission_id)
    return _report(submission_id)


# -- challenging ----------------------------------------------------------------------------


def _challenge_page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response:
    return _form_page(
        request, session, visitor, submission_id, "report_challenge.html",
        _("Challenge the report"), lambda v: v.may_respond, values, errors,
    )  # fmt: skip


@router.get(f"{PATH}/challenge")
async def challenge_form(
    request: Request, submission_id: RowId, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        return _challenge_page(request, session, visitor, submission_id, {})


def _challenge_field(field: str) -> str | None:
    if field == "standards":
        return "standards"
    if field.startswith("reasons."):
        return f"reason-{field.removeprefix('reasons.')}"
    return None


@router.post(f"{PATH}/challenge")
def challenge(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    chosen = [str(v) for v in form.getlist("standards")]
    values = {"standards": chosen} | {
        key: text(form, key) for key in form if key.startswith("reason-")
    }
    reasons = {standard: str(values.get(f"reason-{standard}", "")) for standard in chosen}
    with session_scope() as session:
        try:
            challenge_report(session, submission_id, visitor.id, reasons)
        except NotFoundError:
            raise
        except DfrError as err:
            session.rollback()
            errors = _refused(err, _challenge_field)
            return _challenge_page(request, session, visitor, submission_id, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return _report(submission_id)


# -- the panel's answer -----------------------------------------------------------------------


def _answer_page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response:
    return _form_page(
        request, session, visitor, submission_id, "report_challenge_answer.html",
        _("Answer the challenge"), lambda v: v.may_answer, values, errors,
    )  # fmt: skip


@router.get(f"{PATH}/challenge/answer")
async def answer_form(request: Request, submission_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        return _answer_page(request, session, visitor, submission_id, {})


def _answer_field(field: str) -> str | None:
    if field.startswith("answers."):
        return f"rationale-{field.removeprefix('answers.')}"
    return None


@router.post(f"{PATH}/challenge/answer")
def answer(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    values = {key: text(form, key) for key in form if key != "csrf_token"}
    standards = sorted(
        {k.split("-", 1)[1] for k in values if k.startswith(("rating-", "rationale-"))}
    )
    answers = {
        s: StandardAnswer(values.get(f"rating-{s}", ""), values.get(f"rationale-{s}", ""))
        for s in standards
    }
    with session_scope() as session:
        try:
            answer_challenge(session, submission_id, visitor.id, answers)
        except NotFoundError:
            raise
        except DfrError as err:
            session.rollback()
            errors = _refused(err, _answer_field)
            return _answer_page(request, session, visitor, submission_id, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return _report(submission_id)


# -- feedback ---------------------------------------------------------------------------------


def _feedback_page(
    request: Request,
    session: Session,
    visitor: Visitor,
    submission_id: int,
    values: dict[str, Any],
    errors: FormErrors | None = None,
) -> Response:
    return _form_page(
        request, session, visitor, submission_id, "report_feedback.html",
        _("Give feedback on the assessment"), lambda v: v.may_give_feedback, values, errors,
    )  # fmt: skip


@router.get(f"{PATH}/feedback")
async def feedback_form(
    request: Request, submission_id: RowId, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        return _feedback_page(request, session, visitor, submission_id, {})


@router.post(f"{PATH}/feedback")
def feedback(
    request: Request,
    submission_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    values = {"score": text(form, "score"), "comment": text(form, "comment")}
    with session_scope() as session:
        try:
            give_feedback(session, submission_id, visitor.id, values["score"], values["comment"])
        except NotFoundError:
            raise
        except DfrError as err:
            session.rollback()
            errors = _refused(err, lambda f: f if f in ("score", "comment") else None)
            return _feedback_page(request, session, visitor, submission_id, values, errors)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(
        f"{PATH.format(submission_id=submission_id)}?feedback=thanks", status_code=303
    )


# -- the satisfaction figures -----------------------------------------------------------------


@router.get("/assessments/satisfaction")
async def satisfaction_page(request: Request, visitor: CurrentVisitor) -> Response:
    """The team's satisfaction with assessments, month by month over the last year (or one
    DG's: `?dg=EST`), for the performance figures."""
    today = london_today()
    dg = request.query_params.get("dg") or None
    with session_scope(read_only=True) as session:
        figures = satisfaction_figures(session, visitor.id, add_months(today, -11), today, dg)
    return render(
        request,
        "satisfaction.html",
        title=_("Satisfaction with assessments"),
        rows=[
            (
                long_month(f.month, get_language()),
                f.count,
                "—" if f.share_satisfied is None else f"{f.share_satisfied:.0%}",
            )
            for f in reversed(figures)
        ],
        comments=[c for f in reversed(figures) for c in f.comments],
        dg=dg,
    )

"""Submitting: choose the kind and DG, describe it, answer the checklists a page at a time,
check your answers, submit. A draft keeps the answers between pages; submitting runs intake."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from pydantic_core import PydanticCustomError
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.answers import answers_that_apply
from checklists.loader import Checklist, registry
from checklists.routing import Route
from dfr import labels
from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _, get_language
from dfr.settings import get_settings
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, RowId, text
from dfr.web.questions import (
    PageRef,
    all_pages,
    asked_on_page,
    date_parts,
    display_answer,
    question_pages,
    read_page,
)
from dfr.web.templating import render, render_form
from flows.start import after_commit_in_background
from models.db import session_scope
from models.directory import Directorate
from models.draft import Draft
from models.queries import directorate
from models.submission_file import SUMMARY_MAX, TITLE_MAX, checked_text
from services.access import submittable_dgs
from services.drafts import (
    change_start,
    delete_draft,
    describe,
    mark_sent,
    open_draft,
    own_draft,
    save_answers,
    start_draft,
    start_problems,
    unsent_drafts,
)
from services.intake import plan_submission, resubmit
from services.service_links import draft_service_name
from services.submit import submit

router = APIRouter()


def _start_page(
    request: Request,
    visitor: Visitor,
    errors: FormErrors | None = None,
    kind: str = "",
    dg: str = "",
    draft: Draft | None = None,
) -> Response:
    """What and for which DG: a new draft's first page, or changing a draft's (`draft`)."""
    with session_scope(read_only=True) as session:
        return render_form(
            request,
            "submit_start.html",
            errors,
            title=_("Change what you are submitting")
            if draft
            else _("Submit an initiative or procurement request"),
            dgs=submittable_dgs(session, visitor),
            drafts=[] if draft else unsent_drafts(session, visitor.id),
            retention_days=get_settings().draft_retention_days,
            kinds=labels.KINDS,
            kind=kind,
            dg=dg,
            draft=draft,
            from_check=_from_check(request),
        )


def _start_errors(visitor: Visitor, kind: str, dg: str) -> FormErrors:
    """The service's objections to a kind and DG, in the words of this page's questions."""
    errors = FormErrors()
    problems = start_problems(visitor, kind, dg)
    if "kind" in problems:
        errors.add("kind", _("Select what you are submitting"))
    if "dg" in problems:
        errors.add("dg", _("Select the DG this is for"))
    return errors


@router.get("/submit")
async def start(request: Request, visitor: CurrentVisitor) -> Response:
    return _start_page(request, visitor)


@router.post("/submit")
def create_draft(request: Request, visitor: CurrentVisitor, form: PostedForm) -> Response:
    kind, dg = text(form, "kind"), text(form, "dg")
    errors = _start_errors(visitor, kind, dg)
    if errors:
        return _start_page(request, visitor, errors, kind, dg)
    with session_scope() as session:
        draft = start_draft(session, visitor, kind, dg)
        return RedirectResponse(f"/drafts/{draft.id}/about", status_code=303)


@router.get("/drafts/{draft_id}/start")
async def change_start_page(request: Request, draft_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        draft = open_draft(session, visitor.id, draft_id)
    return _start_page(request, visitor, None, draft.kind, draft.dg_code, draft)


@router.post("/drafts/{draft_id}/start")
def change_what_and_dg(
    request: Request, draft_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    """Change a draft's kind or DG: the same draft, keeping every answer that still applies."""
    kind, dg = text(form, "kind"), text(form, "dg")
    with session_scope() as session:
        draft = open_draft(session, visitor.id, draft_id)
        errors = _start_errors(visitor, kind, dg)
        if errors:
            session.rollback()
            return _start_page(request, visitor, errors, kind, dg, draft)
        change_start(session, visitor, draft, kind, dg, registry())
        after = "check" if _from_check(request) else "about"
        return RedirectResponse(f"/drafts/{draft.id}/{after}", status_code=303)


@router.get("/drafts/{draft_id}/delete")
async def delete_draft_page(request: Request, draft_id: RowId, visitor: CurrentVisitor) -> Response:
    """Are you sure? (GOV.UK: confirm what cannot be undone before doing it.)"""
    with session_scope(read_only=True) as session:
        draft = open_draft(session, visitor.id, draft_id)
        return render(request, "delete_draft.html", title=_("Delete this draft?"), draft=draft)


@router.post("/drafts/{draft_id}/delete")
def throw_away_draft(
    request: Request, draft_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    """Throw away a draft that has not been sent (only its owner can)."""
    with session_scope() as session:
        delete_draft(session, visitor.id, draft_id)
    return RedirectResponse("/submit", status_code=303)


def _pages(draft: Draft) -> list[PageRef]:
    return all_pages(registry(), draft.kind)


def _first_page_url(draft: Draft) -> str:
    first = _pages(draft)[0]
    return f"/drafts/{draft.id}/questions/{first.checklist_id}/{first.number}"


@router.get("/drafts/{draft_id}/about")
async def about_page(request: Request, draft_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        draft = open_draft(session, visitor.id, draft_id)
        return _about_page(request, draft, draft.as_submission(), None)


def _about_page(
    request: Request, draft: Draft, values: dict[str, Any], errors: FormErrors | None
) -> Response:
    return render_form(
        request,
        "submit_about.html",
        errors,
        title=_("Describe it"),
        draft=draft,
        values=values,
        from_check=_from_check(request),
    )


ABOUT_FIELDS = (
    ("title_en", "title", "en"),
    ("title_cy", "title", "cy"),
    ("summary_en", "summary", "en"),
    ("summary_cy", "summary", "cy"),
)


def _about_problem(kind: str, blank: str, limit: int) -> str:
    if kind == "too_long":
        return _("This is too long; shorten it to {limit} characters or fewer", limit=limit)
    if kind == "not_one_line":
        return _("Write the title on one line")
    if kind == "control_characters":
        return _(
            "Type this again without control characters (invisible characters that are not "
            "letters, spaces or line breaks)"
        )
    return blank


@router.post("/drafts/{draft_id}/about")
def save_about(
    request: Request, draft_id: RowId, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    errors = FormErrors()
    given = {name: text(form, name) for name, _part, _lang in ABOUT_FIELDS}
    messages = {
        "title_en": _("Enter the title in English"),
        "title_cy": _("Enter the title in Welsh"),
        "summary_en": _("Enter a summary in English"),
        "summary_cy": _("Enter a summary in Welsh"),
    }
    for name, message in messages.items():
        is_title = name.startswith("title")
        limit = TITLE_MAX if is_title else SUMMARY_MAX
        try:  # the document's own rules; the page words them its way
            checked_text(given[name], limit=limit, one_line=is_title)
        except PydanticCustomError as problem:
            errors.add(name, _about_problem(problem.type, message, limit))
    with session_scope() as session:
        draft = open_draft(session, visitor.id, draft_id)
        if errors:
            values = {
                "title": {"en": given["title_en"], "cy": given["title_cy"]},
                "summary": {"en": given["summary_en"], "cy": given["summary_cy"]},
            }
            return _about_page(request, draft, values, errors)
        describe(session, draft, given)
        after = f"/drafts/{draft.id}/check" if _from_check(request) else _first_page_url(draft)
        return RedirectResponse(after, status_code=303)


def _checklist_page(
    draft: Draft, checklist_id: str, number: str
) -> tuple[Checklist, PageRef, list[PageRef]]:
    """The page of questions a path names; its number is any text, so `1e3` is no page."""
    refs = _pages(draft)
    for ref in refs:
        if ref.checklist_id == checklist_id and str(ref.number) == number:
            return registry().get(checklist_id), ref, refs
    raise NotFoundError(_("There is no such page of questions."))


def _neighbour(draft: Draft, refs: list[PageRef], ref: PageRef, step: int) -> str:
    """The next (or previous) page that has a question to ask, or the check page."""
    index = refs.index(ref) + step
    while 0 <= index < len(refs):
        candidate = refs[index]
        checklist = registry().get(candidate.checklist_id)
        page = question_pages(checklist)[candidate.number - 1]
        if asked_on_page(checklist, page, draft.answers.get(checklist.id, {}), draft.kind):
            return f"/drafts/{draft.id}/questions/{candidate.checklist_id}/{candidate.number}"
        index += step
    if step > 0:
        return f"/drafts/{draft.id}/check"
    if draft.resubmission_of is not None:
        return f"/submissions/{draft.resubmission_of}"
    return f"/drafts/{draft.id}/about"


FROM_CHECK = "check"  # `?from=check`: a "Change" link on check-your-answers; go back there


def _from_check(request: Request) -> bool:
    return request.query_params.get("from") == FROM_CHECK


def _after_change(draft: Draft, refs: list[PageRef], ref: PageRef) -> str:
    """Where a change made from check-your-answers leads: back there, unless the change asks
    a new question on a later page (then that page first, still on the way back)."""
    for candidate in refs[refs.index(ref) + 1 :]:
        checklist = registry().get(candidate.checklist_id)
        page = question_pages(checklist)[candidate.number - 1]
        answers = draft.answers.get(checklist.id, {})
        if any(
            q.required and q.id not in answers
            for q in asked_on_page(checklist, page, answers, draft.kind)
        ):
            return (
                f"/drafts/{draft.id}/questions/{candidate.checklist_id}/{candidate.number}"
                f"?from={FROM_CHECK}"
            )
    return f"/drafts/{draft.id}/check"


def _back_from(request: Request, draft: Draft, refs: list[PageRef], ref: PageRef) -> str:
    if _from_check(request):
        return f"/drafts/{draft.id}/check"
    return _neighbour(draft, refs, ref, -1)


def _questions_response(
    request: Request,
    draft: Draft,
    checklist: Checklist,
    ref: PageRef,
    refs: list[PageRef],
    values: dict[str, object],
    errors: FormErrors | None,
) -> Response:
    page = question_pages(checklist)[ref.number - 1]
    questions = asked_on_page(
        checklist, page, {**draft.answers.get(checklist.id, {}), **values}, draft.kind
    )
    return render_form(
        request,
        "submit_questions.html",
        errors,
        title=_(
            "{checklist} (page {number} of {of})",
            checklist=checklist.definition.title.get(get_language()),
            number=ref.number,
            of=ref.of,
        ),
        draft=draft,
        checklist=checklist,
        questions=questions,
        values=values,
        date_parts=date_parts,
        back=_back_from(request, draft, refs, ref),
        from_check=_from_check(request),
    )


@router.get("/drafts/{draft_id}/questions/{checklist_id}/{number}")
async def questions_page(
    request: Request, draft_id: RowId, checklist_id: str, number: str, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        draft = open_draft(session, visitor.id, draft_id)
        checklist, ref, refs = _checklist_page(draft, checklist_id, number)
        return _questions_response(
            request, draft, checklist, ref, refs, dict(draft.answers.get(checklist_id, {})), None
        )


@router.post("/drafts/{draft_id}/questions/{checklist_id}/{number}")
def save_questions(
    request: Request,
    draft_id: RowId,
    checklist_id: str,
    number: str,
    visitor: CurrentVisitor,
    form: PostedForm,
) -> Response:
    with session_scope() as session:
        draft = open_draft(session, visitor.id, draft_id)
        checklist, ref, refs = _checklist_page(draft, checklist_id, number)
        page = question_pages(checklist)[ref.number - 1]
        saved = dict(draft.answers.get(checklist_id, {}))
        questions = asked_on_page(checklist, page, saved, draft.kind)
        given, errors = read_page(checklist, questions, form)
        if errors:
            session.rollback()  # nothing from a rejected page is kept
            return _questions_response(
                request, draft, checklist, ref, refs, {**saved, **given}, errors
            )
        merged = {**saved, **{k: v for k, v in given.items() if v not in (None, "", [])}}
        for qid, value in given.items():
            if value in (None, "", []):
                merged.pop(qid, None)
        save_answers(
            session, draft, checklist_id, answers_that_apply(checklist, merged, draft.kind)
        )
        after = _after_change(draft, refs, ref) if _from_check(request) else None
        return RedirectResponse(after or _neighbour(draft, refs, ref, +1), status_code=303)


def _plan(session: Session, draft: Draft) -> tuple[Route | None, str | None]:
    """The route the draft would take, or the reason it cannot be submitted yet."""
    try:
        if draft.resubmission_of is not None:
            return None, None
        return plan_submission(session, draft.as_submission(), registry()).route, None
    except ValidationError as err:
        return None, err.message


@router.get("/drafts/{draft_id}/check")
async def check_page(request: Request, draft_id: RowId, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        draft = open_draft(session, visitor.id, draft_id)
        route, problem = _plan(session, draft)
        dg = directorate(session, draft.dg_code)
        linked = draft_service_name(session, draft, get_language())
        return _check_response(request, draft, dg, route, problem, linked=linked)


def _check_response(
    request: Request,
    draft: Draft,
    dg: Directorate | None,
    route: Route | None,
    problem: str | None,
    status: int = 200,
    linked: str = "",
) -> Response:
    reg = registry()
    sections = []
    for ref in _pages(draft):
        checklist = reg.get(ref.checklist_id)
        page = question_pages(checklist)[ref.number - 1]
        answers = draft.answers.get(checklist.id, {})
        for question in asked_on_page(checklist, page, answers, draft.kind):
            sections.append((checklist, ref, question, answers.get(question.id)))
    return render(
        request,
        "submit_check.html",
        status,
        title=_("Check your answers before submitting"),
        draft=draft,
        linked_service=linked,
        dg=dg,
        sections=sections,
        route=route,
        problem=problem,
        registry=reg,
        display=display_answer,
    )


@router.post("/drafts/{draft_id}/check")
def send(
    request: Request,
    draft_id: RowId,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    """Submit (or resubmit) the draft in one transaction, then start the follow-up flow."""
    reg = registry()
    try:
        with session_scope() as session:
            draft = own_draft(session, visitor.id, draft_id)
            if draft.submission_id is not None:  # sent already (a second click): same result
                return RedirectResponse(
                    f"/submissions/{draft.submission_id}/confirmation", status_code=303
                )
            if draft.resubmission_of is not None:
                submission, _route = resubmit(
                    session,
                    draft.resubmission_of,
                    visitor.id,
                    draft.answers,
                    reg,
                    description={
                        "title": {"cy": draft.title_cy, "en": draft.title_en},
                        "summary": {"cy": draft.summary_cy, "en": draft.summary_en},
                    },
                )
                submission_id = submission.id or 0
            else:  # the draft's key: sent twice at once, one submission is stored
                submitted = submit(
                    session,
                    draft.as_submission(),
                    reg,
                    intake_key=draft.intake_key,
                    actor_id=visitor.id,
                )
                submission_id = submitted.submission_id
            mark_sent(session, draft, submission_id)
    except ValidationError as err:
        with session_scope(read_only=True) as session:
            draft = own_draft(session, visitor.id, draft_id)
            dg = directorate(session, draft.dg_code)
            linked = draft_service_name(session, draft, get_language())
            return _check_response(request, draft, dg, None, err.message, 400, linked)
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}/confirmation", status_code=303)

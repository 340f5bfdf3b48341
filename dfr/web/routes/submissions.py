"""One submission: its answers, route, stages, decision history, conditions and actions; the
confirmation after sending; responding to "changes requested"; withdrawing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.answers import to_json
from checklists.loader import registry
from dfr.errors import NotFoundError, PermissionDeniedError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import text
from dfr.web.questions import display_answer
from dfr.web.templating import render
from flows.start import after_commit_in_background
from models.db import session_scope
from models.directory import Directorate
from models.draft import Draft
from models.lifecycle import State
from models.queries import SubmissionDetail, submission_detail
from models.review import PanelMember, ReviewTask
from models.submission import Submission
from services.intake import stored_answers, withdraw

router = APIRouter()


def may_view(session: Session, visitor: Visitor, submission: Submission) -> bool:
    """The submitter, its reviewers and panel, the DG's Digital Leader, the CoE, reviewers."""
    if submission.submitter_id == visitor.id or visitor.oversees(submission.dg_code):
        return True
    if visitor.reviews:
        return True
    assigned = session.exec(
        select(ReviewTask.id).where(
            ReviewTask.submission_id == submission.id, ReviewTask.assignee_id == visitor.id
        )
    ).first()
    if assigned is not None:
        return True
    on_panel = session.exec(
        select(PanelMember.id)
        .join(ReviewTask, col(ReviewTask.id) == col(PanelMember.task_id))
        .where(ReviewTask.submission_id == submission.id, PanelMember.person_id == visitor.id)
    ).first()
    return on_panel is not None


def visible_submission(session: Session, visitor: Visitor, submission_id: int) -> Submission:
    """The submission if this person may see it; otherwise "not found"."""
    submission = session.get(Submission, submission_id)
    if submission is None or not may_view(session, visitor, submission):
        # Not "forbidden": do not confirm to a stranger that the submission exists.
        raise NotFoundError(_("No submission {id}. Check the reference.", id=submission_id))
    return submission


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


@router.get("/submissions/{submission_id}")
async def submission_page(
    request: Request, submission_id: int, visitor: CurrentVisitor
) -> Response:
    with session_scope(read_only=True) as session:
        detail = visible_detail(session, visitor, submission_id)
        dg = session.get(Directorate, detail.submission.dg_code)
        reg = registry()
        flag_texts = {
            f.id: f.text
            for pinned in detail.answers
            for f in reg.get(pinned.checklist_id, pinned.checklist_version).definition.flags
        }
        decidable = [t for t in detail.tasks if t.status == "open" and t.assignee_id == visitor.id]
        return render(
            request,
            "submission.html",
            title=detail.submission.title(get_language()),
            detail=detail,
            s=detail.submission,
            dg=dg,
            sections=_answer_rows(detail),
            flag_texts=flag_texts,
            decidable=decidable,
            is_submitter=detail.submission.submitter_id == visitor.id,
            registry=reg,
        )


@router.get("/submissions/{submission_id}/confirmation")
async def confirmation(request: Request, submission_id: int, visitor: CurrentVisitor) -> Response:
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
def start_resubmission(
    request: Request, submission_id: int, visitor: CurrentVisitor, form: PostedForm
) -> Response:
    """Start answering again: a draft holding the current answers, then the question pages."""
    with session_scope() as session:
        submission = session.get(Submission, submission_id)
        if submission is None or submission.submitter_id != visitor.id:
            raise NotFoundError(_("No submission {id} of yours.", id=submission_id))
        if submission.state != State.CHANGES_REQUESTED:
            raise PermissionDeniedError(
                _("You can only resubmit when changes have been requested.")
            )
        reg = registry()
        current = stored_answers(session, submission, reg)
        draft = Draft(
            person_id=visitor.id,
            kind=submission.kind,
            dg_code=submission.dg_code,
            title_cy=submission.title_cy,
            title_en=submission.title_en,
            summary_cy=submission.summary_cy,
            summary_en=submission.summary_en,
            answers={cid: _form_values(answers) for cid, answers in current.items()},
            resubmission_of=submission.id,
        )
        session.add(draft)
        session.flush()
        return RedirectResponse(f"/drafts/{draft.id}/check", status_code=303)


def _form_values(answers: dict[str, Any]) -> dict[str, Any]:
    """Typed answers back into what the form fields hold (yes/no, plain numbers, ISO dates)."""
    values: dict[str, Any] = {}
    for qid, value in answers.items():
        if isinstance(value, bool):
            values[qid] = "yes" if value else "no"
        else:
            values[qid] = to_json(value)
    return values


@router.post("/submissions/{submission_id}/withdraw")
def withdraw_submission(
    request: Request,
    submission_id: int,
    visitor: CurrentVisitor,
    form: PostedForm,
    background: BackgroundTasks,
) -> Response:
    with session_scope() as session:
        withdraw(session, submission_id, visitor.id, text(form, "reason"))
    background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse(f"/submissions/{submission_id}", status_code=303)

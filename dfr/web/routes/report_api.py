"""A JSON door for the team's answer to an assessment report, for the signed-in person (in
production, the identity header's):

- GET  /api/v1/submissions/N/report: the report's state, ratings and challenges;
- POST /api/v1/submissions/N/report/accept: the team accepts (again: the same answer);
- POST /api/v1/submissions/N/report/challenge `{"challenges": {"w12": "why"}}`;
- POST /api/v1/submissions/N/report/challenge/answer
  `{"answers": {"w12": {"rating": "green", "rationale": "why"}}}`;
- POST /api/v1/submissions/N/report/feedback `{"score": 5, "comment": "…"}`;
- GET  /api/v1/assessments/satisfaction?from=YYYY-MM-DD&to=YYYY-MM-DD&dg=EST.

Not a form, so no CSRF token: it accepts only `application/json`, which a browser cannot send
to another site without a CORS preflight this app never grants. Refusals are RFC 9457 problem
details in the reader's language: 404 for what the person may not see, 403 for a step that is
not theirs, 409 for a step the report's state does not allow, 422 for what was wrong in the
body. The rules are in `services.report_responses` and `services.report_feedback`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dfr import strict_json
from dfr.errors import (
    DfrError,
    NotFoundError,
    PermissionDeniedError,
    TransitionError,
    ValidationError,
)
from dfr.i18n import _
from dfr.web.auth import SignInRequired, Visitor, current_visitor
from dfr.web.errors import problem
from dfr.web.forms import RowId
from flows.start import after_commit_in_background
from models.db import session_scope
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
PATH = "/api/v1/submissions/{submission_id}/report"


def _described(view: ResponseView) -> dict[str, Any]:
    r = view.report.report
    return {
        "submission": view.report.submission.reference,
        "status": r.status,
        "result": r.result,
        "assessed_on": r.assessed_on.isoformat(),
        "response_due": r.response_due.isoformat() if r.response_due else None,
        "challenge_due": r.challenge_due.isoformat() if r.challenge_due else None,
        "accepted_at": r.accepted_at.isoformat() if r.accepted_at else None,
        "accepted_how": r.accepted_how,
        "ratings": {s.standard_id: s.rating for s in view.report.sections},
        "challenges": [
            {
                "standard": c.standard_id,
                "original_rating": c.original_rating,
                "reason": c.reason,
                "answer": c.answer,
                "new_rating": c.new_rating,
                "rationale": c.rationale,
            }
            for c in view.challenges
        ],
        "may_respond": view.may_respond,
        "may_answer": view.may_answer,
        "may_give_feedback": view.may_give_feedback,
    }


def _refused(err: DfrError) -> Response:
    if isinstance(err, NotFoundError):
        return problem(404, err.message)
    if isinstance(err, PermissionDeniedError):
        return problem(403, err.message)
    if isinstance(err, TransitionError):
        return problem(409, err.message)
    return problem(422, err.message)


async def _visitor(request: Request) -> Visitor | Response:
    try:
        return await run_in_threadpool(current_visitor, request)
    except SignInRequired:
        return problem(401, _("Sign in first (or send the identity header in production)."))


async def _body(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise ValidationError(_("Send JSON (Content-Type: application/json)."))
    try:
        data = strict_json.loads(await request.body() or b"{}")
    except ValueError:
        raise ValidationError(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ValidationError(_("Send one JSON object."))
    return data


def _texts(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValidationError(
            _('Send "{name}" as an object keyed by standard, e.g. "w12".', name=name), field=name
        )
    return value


async def _step(
    request: Request,
    submission_id: int,
    background: BackgroundTasks,
    act: Callable[[Any, str, dict[str, Any]], object],
    status: int = 200,
) -> Response:
    """Run one step for the signed-in person, then answer with the report as they see it."""
    visitor = await _visitor(request)
    if isinstance(visitor, Response):
        return visitor
    try:
        body = await _body(request)

        def run() -> dict[str, Any]:
            with session_scope() as session:
                act(session, visitor.id, body)
            with session_scope(read_only=True) as session:
                return _described(response_view(session, visitor.id, submission_id))

        described = await run_in_threadpool(run)
    except DfrError as err:
        return _refused(err)
    background.add_task(after_commit_in_background, submission_id)
    return JSONResponse(described, status_code=status)


@router.get(PATH)
async def report_state(request: Request, submission_id: RowId) -> Response:
    visitor = await _visitor(request)
    if isinstance(visitor, Response):
        return visitor

    def read() -> dict[str, Any]:
        with session_scope(read_only=True) as session:
            return _described(response_view(session, visitor.id, submission_id))

    try:
        return JSONResponse(await run_in_threadpool(read))
    except DfrError as err:
        return _refused(err)


@router.post(f"{PATH}/accept")
async def accept(request: Request, submission_id: RowId, background: BackgroundTasks) -> Response:
    return await _step(
        request,
        submission_id,
        background,
        lambda session, person, _body: accept_report(session, submission_id, person),
    )


@router.post(f"{PATH}/challenge")
async def challenge(
    request: Request, submission_id: RowId, background: BackgroundTasks
) -> Response:
    def act(session: Any, person: str, body: dict[str, Any]) -> object:
        given = _texts(body.get("challenges", {}), "challenges")
        reasons = {str(k): v if isinstance(v, str) else "" for k, v in given.items()}
        return challenge_report(session, submission_id, person, reasons)

    return await _step(request, submission_id, background, act, 201)


@router.post(f"{PATH}/challenge/answer")
async def answer(request: Request, submission_id: RowId, background: BackgroundTasks) -> Response:
    def act(session: Any, person: str, body: dict[str, Any]) -> object:
        given = _texts(body.get("answers", {}), "answers")
        answers = {
            str(k): StandardAnswer(str(v.get("rating", "")), str(v.get("rationale", "")))
            if isinstance(v, dict)
            else StandardAnswer("", "")
            for k, v in given.items()
        }
        return answer_challenge(session, submission_id, person, answers)

    return await _step(request, submission_id, background, act)


@router.post(f"{PATH}/feedback")
async def feedback(request: Request, submission_id: RowId, background: BackgroundTasks) -> Response:
    def act(session: Any, person: str, body: dict[str, Any]) -> object:
        score, comment = body.get("score", ""), body.get("comment", "")
        if isinstance(score, bool) or not isinstance(score, int | str):
            score = ""
        return give_feedback(
            session, submission_id, person, score, comment if isinstance(comment, str) else ""
        )

    return await _step(request, submission_id, background, act, 201)


def _day(value: str | None, default: date) -> date:
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _("{value} is not a date; write YYYY-MM-DD.", value=value), field="date"
        ) from None


@router.get("/api/v1/assessments/satisfaction")
async def satisfaction(request: Request) -> Response:
    visitor = await _visitor(request)
    if isinstance(visitor, Response):
        return visitor
    query = request.query_params

    def read() -> list[dict[str, Any]]:
        today = london_today()
        start = _day(query.get("from"), today.replace(day=1))
        end = _day(query.get("to"), today)
        with session_scope(read_only=True) as session:
            figures = satisfaction_figures(session, visitor.id, start, end, query.get("dg"))
        return [
            {
                "month": f"{f.month:%Y-%m}",
                "answers": f.count,
                "satisfied": f.satisfied,
                "share_satisfied": f.share_satisfied,
            }
            for f in figures
        ]

    try:
        return JSONResponse({"months": await run_in_threadpool(read)})
    except DfrError as err:
        return _refused(err)

"""JSON doors for the register's links (the same services as the pages and the CLI):

- PUT /api/register/submissions/ID/service with `{"service": "blue-badge" | "new" | null}`:
  the service a submission changes, that it creates a new one, or neither. Idempotent.
- GET /api/register/proposals: the register proposals (the CoE and administrators).
- POST /api/register/proposals/ID with `{"entry": {...}}`: accept one, with changes to the
  pre-filled entry; POST /api/register/proposals/ID/dismissal with `{"reason": "…"}`.

Refusals are RFC 9457 problem details in the reader's language: 404 for a submission the
reader may not see (as for one that does not exist), 403 for a step they may not take, 422 for
wrong fields: every one, each a `field: message` line of `detail` and an item of `errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from dfr import strict_json
from dfr.errors import DfrError, NotFoundError, PermissionDeniedError
from dfr.i18n import _
from dfr.web.auth import SignInRequired, current_visitor
from dfr.web.errors import problem
from dfr.web.forms import RowId
from models.db import session_scope
from services.register_proposals import accept_proposal, dismiss_proposal, pending_proposals
from services.service_links import link_submission, linked_slug

router = APIRouter()


async def _answer(
    request: Request, work: Callable[[str, Any], tuple[int, dict[str, Any]]], body: bool = True
) -> Response:
    """Sign-in, the JSON body (if any), then `work(person, document)` in a thread; each
    refusal as problem details."""
    try:
        visitor = await run_in_threadpool(current_visitor, request)
    except SignInRequired:
        return problem(401, _("Sign in first (or send the identity header in production)."))
    document: Any = None
    if body:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return problem(415, _("Send the request as JSON (Content-Type: application/json)."))
        try:
            document = strict_json.loads(await request.body())
        except ValueError:
            return problem(400, _("The body is not valid JSON."))
        if not isinstance(document, dict):
            return problem(422, _("Send a JSON object."))
    try:
        status, answer = await run_in_threadpool(work, visitor.id, document)
    except PermissionDeniedError as err:
        return problem(403, err.message)
    except NotFoundError as err:
        return problem(404, err.message)
    except DfrError as err:
        return _wrong_fields(err)
    return JSONResponse(answer, status_code=status)


def _wrong_fields(err: DfrError) -> Response:
    """422, naming every wrong field: `detail` has one `field: message` line each (one line,
    as before, for one field) and `errors` lists them."""
    wrong = err.by_field
    if not wrong:
        return problem(422, err.message)
    detail = "\n".join(f"{name}: {message}" for name, message in wrong.items())
    errors = [{"field": name, "detail": message} for name, message in wrong.items()]
    return problem(422, detail, errors=errors)


@router.put("/api/register/submissions/{submission_id}/service")
async def put_service(request: Request, submission_id: RowId) -> Response:
    def work(person: str, document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        given = document.get("service")
        if given is not None and not isinstance(given, str):
            raise DfrError(_('"service" is a service\'s address, "new" or null.'), field="service")
        with session_scope() as session:
            link = link_submission(session, person, submission_id, given or "")
            kind = link.kind if link else None
            slug = linked_slug(session, link)
        return 200, {"submission": submission_id, "kind": kind, "service": slug}

    return await _answer(request, work)


@router.get("/api/register/proposals")
async def get_proposals(request: Request) -> Response:
    def work(person: str, _document: None) -> tuple[int, dict[str, Any]]:
        with session_scope(read_only=True) as session:
            found = [
                {
                    "submission": p.submission.id,
                    "reference": p.submission.reference,
                    "title": {"cy": p.submission.title_cy, "en": p.submission.title_en},
                    "entry": p.entry,
                }
                for p in pending_proposals(session, person)
            ]
        return 200, {"proposals": found}

    return await _answer(request, work, body=False)


@router.post("/api/register/proposals/{submission_id}")
async def post_acceptance(request: Request, submission_id: RowId) -> Response:
    def work(person: str, document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        entry = document.get("entry") or {}
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise DfrError(_('"entry" is an object of the entry\'s fields as text.'), field="entry")
        with session_scope() as session:
            service = accept_proposal(session, person, submission_id, entry)
            slug = service.slug
        return 201, {"submission": submission_id, "service": slug}

    return await _answer(request, work)


@router.post("/api/register/proposals/{submission_id}/dismissal")
async def post_dismissal(request: Request, submission_id: RowId) -> Response:
    def work(person: str, document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        reason = document.get("reason")
        with session_scope() as session:
            dismiss_proposal(
                session, person, submission_id, reason if isinstance(reason, str) else ""
            )
        return 200, {"submission": submission_id, "dismissed": True}

    return await _answer(request, work)

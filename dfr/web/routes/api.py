"""A JSON door for other systems: POST /api/submissions takes the same document as a CLI
submission file, for the signed-in person (in production, the identity header's).

Not a form, so no CSRF token: it accepts only `application/json`, which a browser cannot send
to another site without a CORS preflight this app never grants. `Idempotency-Key` (default: a
hash of the document) makes a retried request return the first submission.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from checklists.canonical import sha256_hex
from checklists.loader import registry
from dfr.errors import DfrError, InProgressError, NotFoundError, PermissionDeniedError
from dfr.i18n import _
from dfr.settings import get_settings
from dfr.web.auth import SignInRequired, current_visitor
from flows.start import after_commit_in_background
from models.db import session_scope
from models.queries import submission_detail
from services.submit import submit

router = APIRouter()
MAX_BODY = 256 * 1024


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


@router.post("/api/submissions")
async def create_submission(request: Request, background: BackgroundTasks) -> Response:
    from starlette.concurrency import run_in_threadpool

    try:
        visitor = await run_in_threadpool(current_visitor, request)
    except SignInRequired:
        return _problem(401, _("Sign in first (or send the identity header in production)."))
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return _problem(415, _("Send the submission as JSON (Content-Type: application/json)."))
    body = await request.body()
    if len(body) > MAX_BODY:
        return _problem(413, _("The submission is too large; keep it under 256 KB."))
    try:
        data: Any = json.loads(body)
    except ValueError:
        return _problem(400, _("The body is not valid JSON."))
    if not isinstance(data, dict):
        return _problem(400, _("Send one submission: a JSON object like a submission file."))
    key = request.headers.get("idempotency-key") or None
    if key is not None and (len(key) > 64 or not key.isprintable()):
        return _problem(400, _("Idempotency-Key must be at most 64 printable characters."))

    def store() -> int:
        with session_scope() as session:
            submitted = submit(
                session, data, registry(), intake_key=key or sha256_hex(data), actor_id=visitor.id
            )
            return submitted.submission_id

    try:
        # Validated, routed and stored in this request (idempotent on the key); telling people
        # starts after the reply, through the flows' front door, as for the web forms.
        submission_id = await run_in_threadpool(store)
    except (NotFoundError, PermissionDeniedError) as err:
        return _problem(403 if isinstance(err, PermissionDeniedError) else 404, err.message)
    except InProgressError as err:
        return _problem(409, err.message)
    except DfrError as err:
        return _problem(422, err.message)
    background.add_task(after_commit_in_background, submission_id)

    def describe() -> dict[str, Any]:
        with session_scope(read_only=True) as session:
            detail = submission_detail(session, submission_id)
            s = detail.submission
            return {
                "id": s.id,
                "reference": s.reference,
                "state": s.state,
                "url": f"{get_settings().base_url}/submissions/{s.id}",
                "stages": [
                    {"stage": t.stage, "status": t.status, "assignee": t.assignee_id}
                    for t in detail.tasks
                ],
            }

    return JSONResponse(await run_in_threadpool(describe), status_code=201)

"""A JSON door for other systems: POST /api/submissions takes the same document as a CLI
submission file, for the signed-in person (in production, the identity header's).

Not a form, so no CSRF token: it accepts only `application/json`, which a browser cannot send
to another site without a CORS preflight this app never grants. `Idempotency-Key` (default: a
hash of the document) makes a retried request return the first submission. Every refusal is
RFC 9457 problem details (dfr.web.errors); the body's size is capped by dfr.web.limits.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from checklists.canonical import sha256_hex
from checklists.loader import registry
from dfr import strict_json
from dfr.errors import DfrError, InProgressError, NotFoundError, PermissionDeniedError
from dfr.i18n import _
from dfr.settings import get_settings
from dfr.web.auth import SignInRequired, current_visitor
from dfr.web.errors import problem
from flows.start import after_commit_in_background
from models.db import session_scope
from models.queries import submission_detail
from services.service_links import link_of, linked_slug
from services.submit import submit

router = APIRouter()
# A submission document is five levels deep (submission, answers, checklist, question, list).
MAX_DEPTH = 16


class DocumentRefused(Exception):
    """The body is not a JSON document the API can take; the message says why."""


def _depth(value: Any) -> int:
    """How deeply `value` nests lists and objects (without recursion: it may be deep)."""
    deepest, level = 0, [(value, 1)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth <= MAX_DEPTH:
                children = item.values() if isinstance(item, dict) else item
                level.extend((child, depth + 1) for child in children)
    return deepest


def _document(body: bytes) -> dict[str, Any]:
    """The body as one JSON object, or DocumentRefused saying what is wrong with it."""
    too_deep = DocumentRefused(
        _(
            "The body is nested too deeply: a submission is at most {depth} levels deep.",
            depth=MAX_DEPTH,
        )
    )
    try:
        data: Any = strict_json.loads(body)
    except strict_json.RepeatedKey as repeated:
        raise DocumentRefused(
            _("The body gives {key} twice; give each field once.", key=repeated.key)
        ) from None
    except ValueError:
        raise DocumentRefused(_("The body is not valid JSON.")) from None
    except RecursionError:  # nested past the parser's own limit
        raise too_deep from None
    if _depth(data) > MAX_DEPTH:
        raise too_deep
    if not isinstance(data, dict):
        raise DocumentRefused(_("Send one submission: a JSON object like a submission file."))
    return data


@router.post("/api/submissions")
async def create_submission(request: Request, background: BackgroundTasks) -> Response:
    try:
        visitor = await run_in_threadpool(current_visitor, request)
    except SignInRequired:
        return problem(401, _("Sign in first (or send the identity header in production)."))
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return problem(415, _("Send the submission as JSON (Content-Type: application/json)."))
    try:
        data = _document(await request.body())
    except DocumentRefused as refused:
        return problem(400, str(refused))
    key = request.headers.get("idempotency-key") or None
    if key is not None and (len(key) > 64 or not key.isprintable()):
        return problem(400, _("Idempotency-Key must be at most 64 printable characters."))

    def store() -> int:
        with session_scope() as session:
            submitted = submit(
                session,
                data,
                registry(),
                intake_key=key or sha256_hex(data),
                actor_id=visitor.id,
                refuse_in_progress=True,
            )
            return submitted.submission_id

    try:
        # Validated, routed and stored in this request (idempotent on the key); telling people
        # starts after the reply, through the flows' front door, as for the web forms.
        submission_id = await run_in_threadpool(store)
    except (NotFoundError, PermissionDeniedError) as err:
        return problem(403 if isinstance(err, PermissionDeniedError) else 404, err.message)
    except InProgressError as err:
        return problem(409, err.message)
    except DfrError as err:
        return problem(422, err.message)
    background.add_task(after_commit_in_background, submission_id)

    def describe() -> dict[str, Any]:
        with session_scope(read_only=True) as session:
            detail = submission_detail(session, submission_id)
            link = link_of(session, submission_id)
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
                # The register service it names (`service:` in the document), as the
                # register's links API answers it: kind (creates, changes or null) and address.
                "register": {
                    "kind": link.kind if link else None,
                    "service": linked_slug(session, link),
                },
            }

    return JSONResponse(await run_in_threadpool(describe), status_code=201)

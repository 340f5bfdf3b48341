"""A JSON door for a service's monthly return: PUT /api/register/services/SLUG/returns/YYYY-MM
with `{"figures": {...}, "reason": "…"}`. PUT is idempotent: the same figures again change
nothing; different figures for a recorded month are a correction and need a reason.

Each figure is a number or "not applicable" / "not provided" (never 0 for either). Only the
CoE and administrators may send returns. Refusals are RFC 9457 problem details, in the
reader's language, naming the figure that is wrong.
"""

from __future__ import annotations

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
from models.db import session_scope
from models.service_returns import FIGURES, Figure
from services.register import service_by_slug
from services.register_returns import read_figure, read_month, record_return

router = APIRouter()


def _figures(document: Any) -> tuple[dict[str, Figure], str | None]:
    """The figures and reason of a request body, or DfrError naming what is wrong."""
    if not isinstance(document, dict) or not isinstance(document.get("figures"), dict):
        raise DfrError(_('Send a JSON object with "figures": an object of every figure.'))
    given = document["figures"]
    unknown = sorted(set(given) - set(FIGURES))
    if unknown:
        raise DfrError(_("{name} is not a figure of a return.", name=unknown[0]), field=unknown[0])
    figures: dict[str, Figure] = {}
    for name in FIGURES:
        if name not in given:
            raise DfrError(_("A return needs every figure."), field=name)
        value = given[name]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise DfrError(_("A return needs every figure."), field=name)
        try:
            figures[name] = read_figure(name, str(value))
        except DfrError as err:
            raise DfrError(f"{name}: {err.message}", field=name) from None
    reason = document.get("reason")
    return figures, reason if isinstance(reason, str) else None


@router.put("/api/register/services/{slug}/returns/{month}")
async def put_return(request: Request, slug: str, month: str) -> Response:
    try:
        visitor = await run_in_threadpool(current_visitor, request)
    except SignInRequired:
        return problem(401, _("Sign in first (or send the identity header in production)."))
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return problem(415, _("Send the return as JSON (Content-Type: application/json)."))
    try:
        document = strict_json.loads(await request.body())
    except ValueError:
        return problem(400, _("The body is not valid JSON."))

    def store() -> dict[str, Any]:
        first = read_month(month)
        figures, reason = _figures(document)
        with session_scope() as session:
            service = service_by_slug(session, slug)
            record_return(session, service, first, figures, visitor.id, reason)
        return {
            "service": slug,
            "month": f"{first:%Y-%m}",
            "figures": {name: figures[name] for name in FIGURES},
        }

    try:
        stored = await run_in_threadpool(store)
    except PermissionDeniedError as err:
        return problem(403, err.message)
    except NotFoundError as err:
        return problem(404, err.message)
    except DfrError as err:
        return problem(422, err.message)
    body = {k: v for k, v in stored.items() if k != "figures"}
    body["figures"] = {
        name: value if isinstance(value, str | int) else float(value)
        for name, value in stored["figures"].items()
    }
    return JSONResponse(body)

"""The CoE's ranked list of candidates for digital transformation (`services.register_priorities`),
with the criteria and every candidate's reasons. Anyone but the CoE and administrators is
answered as for a page that does not exist."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dfr.dates import long_month
from dfr.errors import PermissionDeniedError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor
from dfr.web.templating import render
from models.db import session_scope
from services.register_priorities import priorities

router = APIRouter()
SHOWN = 20


@router.get("/register/priorities")
def priorities_page(request: Request, visitor: CurrentVisitor) -> Response:
    try:
        with session_scope(read_only=True) as session:
            found = priorities(session, visitor.id)
    except PermissionDeniedError:
        raise HTTPException(404) from None
    return render(
        request,
        "register_priorities.html",
        title=_("Candidates for digital transformation"),
        found=found,
        candidates=found.candidates[:SHOWN],
        first=long_month(found.months[0], get_language()),
        last=long_month(found.months[-1], get_language()),
    )

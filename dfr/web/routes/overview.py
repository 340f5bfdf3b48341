"""The DG Digital Leader's overview: everything in the DG by stage, overdue first."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from dfr.i18n import _
from dfr.web.auth import CurrentVisitor
from dfr.web.templating import render
from models.db import session_scope
from models.overview import dg_overview
from models.queries import people_names
from models.working_days import london_today
from services.access import overseen_dg
from services.describe import Names

router = APIRouter()


@router.get("/dg/{dg_code}")
async def overview(request: Request, dg_code: str, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        dg = overseen_dg(session, visitor, dg_code)
        found = dg_overview(session, dg_code, london_today())
        assignees = [row.assignee_id for group in found.by_stage for row in group.rows]
        return render(
            request,
            "overview.html",
            title=_("Overview of {dg}", dg=dg.code),
            dg=dg,
            overview=found,
            names=Names(people_names(session, assignees), {}),
        )

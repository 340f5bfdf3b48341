""" "Your work": what a person has submitted, what they must review, and what is overdue."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from dfr.i18n import _
from dfr.web.auth import CurrentVisitor
from dfr.web.templating import render
from models.db import session_scope
from models.overview import decided_by, overdue_in, panels_for, submissions_by, tasks_for
from models.queries import people_names
from models.working_days import london_today
from services.describe import Names

router = APIRouter()


@router.get("/work")
async def your_work(request: Request, visitor: CurrentVisitor) -> Response:
    today = london_today()
    with session_scope(read_only=True) as session:
        mine = submissions_by(session, visitor.id)
        tasks = tasks_for(session, visitor.id, today)
        panels = panels_for(session, visitor.id, today)
        decided = decided_by(session, visitor.id) if visitor.reviews else []
        overdue = overdue_in(session, list(visitor.leads), today)
        return render(
            request,
            "work.html",
            title=_("Your work"),
            submissions=mine,
            tasks=tasks,
            panels=panels,
            decided=decided,
            overdue=overdue,
            overdue_mine=[row for row in tasks if row.overdue],
            names=Names(
                people_names(session, [row.assignee_id for row in [*overdue, *panels]]), {}
            ),
            today=today,
        )

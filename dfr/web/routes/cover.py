"""Absence cover: a reviewer arranges who takes their reviews while they are away (the Digital
CoE and administrators arrange anyone's), with the dates and a reason; the cover running now
or still to come. `services.reassign.delegate` holds the rules, as for `dfr delegate`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, date_parts, text, typed_date
from dfr.web.templating import render_form
from flows.start import after_commit_in_background
from models import text_limits
from models.db import session_scope
from models.working_days import london_today
from services.reassign import (
    arranges_cover_for_others,
    covers,
    delegate,
    reviewers,
)

router = APIRouter()
# The form's fields, by the service's field names.
FIELDS = {"person": "person", "to": "to", "starts_on": "starts-day", "ends_on": "ends-day"}


def _page(
    request: Request,
    session: Session,
    visitor: Visitor,
    values: dict[str, Any],
    errors: FormErrors | None,
) -> Response:
    for_others = arranges_cover_for_others(session, visitor.id)
    return render_form(
        request,
        "cover.html",
        errors,
        title=_("Cover while someone is away"),
        for_others=for_others,
        people=reviewers(session),
        covers=covers(session, None if for_others else visitor.id, london_today()),
        values=values,
        reason_limit=text_limits.REASON,
    )


def _require_reviewer(visitor: Visitor) -> None:
    """Anyone with no cover to arrange is answered as for a page that does not exist."""
    if not visitor.arranges_cover:
        raise HTTPException(404)


@router.get("/cover")
async def cover_page(request: Request, visitor: CurrentVisitor) -> Response:
    with session_scope(read_only=True) as session:
        _require_reviewer(visitor)
        return _page(request, session, visitor, {"person": visitor.id}, None)


@router.post("/cover")
def arrange_cover(
    request: Request, visitor: CurrentVisitor, form: PostedForm, background: BackgroundTasks
) -> Response:
    errors = FormErrors()
    values: dict[str, Any] = {
        "person": text(form, "person") or visitor.id,
        "to": text(form, "to"),
        "reason": text(form, "reason"),
        "starts": date_parts(form, "starts"),
        "ends": date_parts(form, "ends"),
    }
    days = {}
    for name, label_text in (
        ("starts", _("Enter the first day of the cover, for example 1 12 2026")),
        ("ends", _("Enter the last day of the cover, for example 5 12 2026")),
    ):
        try:
            days[name] = typed_date(values[name])
        except ValueError:
            days[name] = None
        if days[name] is None:
            errors.add(f"{name}-day", label_text)
    if not values["to"]:
        errors.add("to", _("Choose who will cover"))
    if not values["reason"]:
        errors.add("reason", _("Say why cover is needed"))
    with session_scope() as session:
        _require_reviewer(visitor)
        if not errors and days["starts"] and days["ends"]:
            try:
                _delegation, moved = delegate(
                    session,
                    values["person"],
                    values["to"],
                    days["starts"],
                    days["ends"],
                    values["reason"],
                    visitor.id,
                )
            except DfrError as refused:
                errors.add(FIELDS.get(refused.field or "", "reason"), refused.message)
        if errors:
            session.rollback()  # nothing of refused cover is kept
            return _page(request, session, visitor, values, errors)
    for submission_id in sorted(set(moved)):
        background.add_task(after_commit_in_background, submission_id)
    return RedirectResponse("/cover", status_code=303)

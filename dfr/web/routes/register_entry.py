"""The form that edits a service's register entry, for the Digital CoE and administrators:
every field a person can change (not its address or DG), pre-filled, with every wrong field
listed when it is refused. Anyone else is told there is no such service, exactly as for one
that is not on the register. Each handler parses the form, calls one service and shows the
result."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm
from dfr.web.forms import FormErrors, text
from dfr.web.routes.register_links import ENTRY_FIELDS, entry_choices, entry_errors, entry_values
from dfr.web.templating import render_form
from models.db import session_scope
from services.register import EntryChangedMeanwhileError, EntryRejectedError, change_service
from services.register_desk import entry_form

router = APIRouter()
# The edit form's fields, in its order: an entry keeps its address.
EDITED = tuple(name for name in ENTRY_FIELDS if name != "slug")


def _edit_page(
    request: Request,
    visitor_id: str,
    slug: str,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    version: int | None = None,
) -> Response:
    """The form; `values` is what it sent (None: what the entry says), `version` the entry's
    version it saves over (None: the version shown, the one just read)."""
    with session_scope(read_only=True) as session:
        found = entry_form(session, visitor_id, slug, get_language())
    return render_form(
        request,
        "register_service_edit.html",
        errors,
        title=_("Edit the entry"),
        service=found.service,
        dg=found.dg,
        values=found.cells if values is None else values,
        version=found.service.version if version is None else version,
        types=found.types,
        **entry_choices(),
    )


@router.get("/register/services/{slug}/edit")
async def edit_page(request: Request, slug: str, visitor: CurrentVisitor) -> Response:
    return _edit_page(request, visitor.id, slug)


@router.post("/register/services/{slug}/edit")
def edit(request: Request, slug: str, visitor: CurrentVisitor, form: PostedForm) -> Response:
    values = entry_values(form)
    seen_text = text(form, "version")
    # The version the form showed (a form without one saves as before; a mangled one is stale).
    seen = (int(seen_text) if seen_text.isdigit() else 0) if seen_text else None
    try:
        with session_scope() as session:
            changed = change_service(session, slug, values, visitor.id, seen)
    except EntryRejectedError as rejected:
        return _edit_page(request, visitor.id, slug, values, entry_errors(rejected, EDITED), seen)
    except EntryChangedMeanwhileError as meanwhile:
        # What they typed stays; saving again replaces the other change, knowingly.
        errors = FormErrors()
        errors.add_to_summary(meanwhile.message, EDITED[0])
        return _edit_page(request, visitor.id, slug, values, errors, meanwhile.version)
    said = "saved" if changed.changes else "unchanged"
    return RedirectResponse(f"/register/services/{slug}?entry={said}", status_code=303)

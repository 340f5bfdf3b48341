"""The CoE uploads its spreadsheets (CSV UTF-8): the register of services, or monthly returns;
or types in one return (`/register/returns/new`).
The same strict imports as `dfr register import-…`: a file with any bad row stores nothing, and
the page lists every bad row with its line, column and reason. Anyone but the CoE and
administrators is answered as for a page that does not exist."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from dfr.dates import long_month
from dfr.errors import DfrError, PermissionDeniedError
from dfr.i18n import _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, text
from dfr.web.templating import render_form
from models.db import session_scope
from models.lifecycle import Role
from models.service_returns import FIGURES, Figure
from services.register import import_services, service_by_slug
from services.register_csv import CsvRejectedError, decode
from services.register_owners import returnable_services
from services.register_publication import figure_labels
from services.register_returns import import_returns, read_figure, read_month, record_return

router = APIRouter()
KINDS = ("services", "returns")


def _require_editor(visitor: Visitor) -> None:
    if not visitor.holds(Role.COE, Role.ADMIN):
        raise HTTPException(404)


def _page(
    request: Request, values: dict[str, str], errors: FormErrors | None, done: str | None = None
) -> Response:
    return render_form(
        request,
        "register_upload.html",
        errors,
        title=_("Upload to the register of services"),
        values=values,
        done=done,
    )


@router.get("/register/upload")
async def upload_page(request: Request, visitor: CurrentVisitor) -> Response:
    _require_editor(visitor)
    return _page(request, {"kind": "services", "reason": ""}, None)


def _import(kind: str, data: bytes, actor_id: str, reason: str) -> str:
    """Import the file; what was done, in words."""
    content = decode(data)
    with session_scope() as session:
        if kind == "services":
            services = import_services(session, content, actor_id)
            return _(
                "Register updated: {added} added, {changed} changed, {unchanged} unchanged.",
                added=services.added,
                changed=services.changed,
                unchanged=services.unchanged,
            )
        returns = import_returns(session, content, actor_id, reason)
    return _(
        "Returns: {recorded} recorded, {corrected} corrected, {unchanged} unchanged.",
        recorded=returns.recorded,
        corrected=returns.corrected,
        unchanged=returns.unchanged,
    )


@router.post("/register/upload")
def upload(request: Request, visitor: CurrentVisitor, form: PostedForm) -> Response:
    data = b""
    for upload in form.getlist("file"):
        if isinstance(upload, UploadFile):  # read, then closed: nothing is kept on disk
            with upload.file:
                data = data or upload.file.read()
    _require_editor(visitor)
    values = {"kind": text(form, "kind"), "reason": text(form, "reason")}
    errors = FormErrors()
    if values["kind"] not in KINDS:
        errors.add("kind", _("Choose what the file holds."))
    if not data:
        errors.add("file", _("Choose a CSV file to upload."))
    if errors:
        return _page(request, values, errors)
    try:
        done = _import(values["kind"], data, visitor.id, values["reason"])
    except CsvRejectedError as refused:
        errors.add("file", refused.message.split("\n", 1)[0])
        for problem in refused.problems:
            errors.add_to_summary(str(problem), "file")
        return _page(request, values, errors)
    except DfrError as err:
        errors.add(err.field if err.field in ("reason",) else "file", err.message)
        return _page(request, values, errors)
    return _page(request, {"kind": values["kind"], "reason": ""}, None, done)


# -- one return, typed in -----------------------------------------------------------------


def _return_page(
    request: Request,
    visitor: Visitor,
    values: dict[str, str],
    errors: FormErrors | None,
    done: str | None = None,
) -> Response:
    """The form, with the services whose returns the visitor may enter (the CoE and
    administrators: every one; an owner: theirs). Anyone else: "page not found"."""
    language = get_language()
    try:
        with session_scope(read_only=True) as session:
            services = returnable_services(session, visitor.id)
    except PermissionDeniedError:
        raise HTTPException(404) from None
    slugs = sorted(((s.slug, s.name(language)) for s in services), key=lambda p: p[1].lower())
    return render_form(
        request,
        "register_return.html",
        errors,
        title=_("Record a monthly return"),
        values=values,
        services=slugs,
        figures=figure_labels(),
        done=done,
    )


@router.get("/register/returns/new")
def return_page(request: Request, visitor: CurrentVisitor) -> Response:
    return _return_page(request, visitor, {"service": text(request.query_params, "service")}, None)


@router.post("/register/returns/new")
def record_return_page(request: Request, visitor: CurrentVisitor, form: PostedForm) -> Response:
    values = {name: text(form, name) for name in ("service", "month", "reason", *FIGURES)}
    errors = FormErrors()
    figures: dict[str, Figure] = {}
    month = None
    try:
        month = read_month(values["month"])
    except DfrError as err:
        errors.add("month", err.message)
    for name in FIGURES:
        try:
            figures[name] = read_figure(name, values[name])
        except DfrError as err:
            errors.add(name, err.message)
    if errors or month is None:
        return _return_page(request, visitor, values, errors)
    try:
        with session_scope() as session:
            service = service_by_slug(session, values["service"])
            record_return(session, service, month, figures, visitor.id, values["reason"])
            name = service.name(get_language())
    except DfrError as err:
        errors.add(err.field if err.field in ("service", "reason") else "service", err.message)
        return _return_page(request, visitor, values, errors)
    done = _(
        "Return recorded for {service}, {month}.",
        service=name,
        month=long_month(month, get_language()),
    )
    return _return_page(request, visitor, {}, None, done)

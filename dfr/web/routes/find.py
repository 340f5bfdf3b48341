"""Find submissions: search by reference or words of a title or summary (either language),
filter, sort, page through, and export what the filters show as CSV. `services.search` decides
who may search which DGs; this page only reads the query and presents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from dfr import labels
from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _, get_language
from dfr.labels import label
from dfr.web.auth import CurrentVisitor
from dfr.web.forms import FormErrors, date_parts, text, typed_date
from dfr.web.templating import ENVIRONMENT, render_form
from models.db import session_scope
from models.lifecycle import STAGES, State
from models.working_days import london_today
from services.search import Filters, every_match, search, searchable

router = APIRouter()
FIELDS = {"words": "words", "dg": "dg", "state": "state", "stage": "stage", "kind": "kind"}


def _filters(request: Request, errors: FormErrors) -> Filters:
    query = request.query_params
    days = {}
    for name in ("from", "to"):
        try:
            days[name] = typed_date(date_parts(query, name))
        except ValueError:
            days[name] = None
            errors.add(f"{name}-day", _("Enter a real date, for example 31 3 2027"))
    return Filters(
        words=text(query, "words"),
        dg=text(query, "dg"),
        kind=text(query, "kind"),
        state=text(query, "state"),
        stage=text(query, "stage"),
        overdue=text(query, "overdue") == "yes",
        submitted_from=days["from"],
        submitted_to=days["to"],
        sort=text(query, "sort") or "newest",
    )


# A date input's parts as typed, for each of the two (`from`, `to`): hashable, to key the form.
Days = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def _form(request: Request, filters: Filters, dgs: list[str], errors: FormErrors | None) -> Markup:
    """The filters' form: with nothing wrong, the same for everyone who asks for the same
    filters in the same language, so rendered once for them (its GOV.UK components cost more
    to render than the rest of the page)."""
    days = tuple(
        (name, tuple(date_parts(request.query_params, name).items())) for name in ("from", "to")
    )
    if errors:
        return _rendered_form(filters, tuple(dgs), days, errors)
    return _kept_form(get_language(), filters, tuple(dgs), days)


@lru_cache(maxsize=256)
def _kept_form(_language: str, filters: Filters, dgs: tuple[str, ...], days: Days) -> Markup:
    return _rendered_form(filters, dgs, days, None)


def _rendered_form(
    filters: Filters, dgs: tuple[str, ...], days: Days, errors: FormErrors | None
) -> Markup:
    return Markup(
        ENVIRONMENT.get_template("_find_form.html").render(
            filters=filters,
            dgs=list(dgs),
            days={name: dict(parts) for name, parts in days},
            errors=errors,
            states=[s.value for s in State],
            stages=[s.value for s in STAGES],
        )
    )


def _page_number(request: Request) -> int:
    raw = text(request.query_params, "page")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


@router.get("/submissions")
async def find_submissions(request: Request, visitor: CurrentVisitor) -> Response:
    errors = FormErrors()
    filters = _filters(request, errors)
    with session_scope(read_only=True) as session:
        try:
            results = search(session, visitor, filters, _page_number(request), london_today())
        except NotFoundError:
            raise HTTPException(404) from None  # as a page that does not exist
        except ValidationError as refused:
            errors.add(FIELDS.get(refused.field or "", "words"), refused.message)
            results = search(session, visitor, Filters(), 1, london_today())
        asked = {k: v for k, v in request.query_params.items() if k != "page" and v}
        return render_form(
            request,
            "find.html",
            errors or None,
            title=_("Find submissions"),
            results=results,
            filters=filters,
            asked=asked,
            page_link=lambda n: "/submissions?" + urlencode({**asked, "page": n}),
            csv_link="/submissions.csv" + ("?" + urlencode(asked) if asked else ""),
            form=_form(request, filters, results.dgs, errors),
        )


@router.get("/submissions.csv")
async def export_submissions(request: Request, visitor: CurrentVisitor) -> Response:
    errors = FormErrors()
    filters = _filters(request, errors)
    if errors:
        raise ValidationError(_("Enter real dates, for example 31 3 2027."))
    language = get_language()
    today = london_today()
    # Checked before the first byte is sent: a refusal is a page, not half a file.
    with session_scope(read_only=True) as session:
        try:
            searchable(session, visitor, filters)
        except NotFoundError:
            raise HTTPException(404) from None

    def rows() -> Iterator[str]:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [_("Reference"), _("Title"), _("DG"), _("Kind"), _("Status"), _("Submitted"),
             _("Stage"), _("Due")]
        )  # fmt: skip
        with session_scope(read_only=True) as session:
            for found in every_match(session, visitor, filters, today):
                s = found.submission
                writer.writerow(_row(s, found, language))
                if out.tell() > 64_000:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
        yield out.getvalue()

    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="submissions.csv"'},
    )


def _row(s: Any, found: Any, language: str) -> list[str]:
    return [
        s.reference,
        s.title(language),
        s.dg_code,
        label(labels.KINDS, s.kind),
        label(labels.STATES, s.state),
        s.submitted_on.isoformat(),
        label(labels.STAGES, found.open_stage) if found.open_stage else "",
        found.due.isoformat() if found.due else "",
    ]

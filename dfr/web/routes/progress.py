"""The quarterly progress reports: the public list (`/progress`) and each published report at
a stable address per language, as HTML and PDF, exactly as published; and the CoE's pages to
generate a draft, write its lessons, preview and publish it (`/progress/manage`). Anyone but
the CoE and administrators is answered at those as for a page that does not exist."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from checklists.loader import registry
from dfr.dates import long_date
from dfr.errors import DfrError, NotFoundError
from dfr.i18n import LANGUAGES, _, get_language
from dfr.web.auth import CurrentVisitor, PostedForm, Visitor
from dfr.web.forms import FormErrors, text
from dfr.web.templating import render, render_form
from models.db import session_scope
from models.lifecycle import Role
from models.progress_report import FORMATS, PUBLISHED
from models.quarter import Quarter
from models.working_days import london_today
from services.progress_render import quarter_name
from services.progress_reports import (
    draft_for,
    edit_lessons,
    generate,
    preview,
    public_url,
    publish,
    published_file,
    published_reports,
    reports_for_coe,
)

router = APIRouter()
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _quarter(slug: str) -> Quarter:
    try:
        return Quarter.parse(slug)
    except DfrError:
        raise HTTPException(404) from None


def document_policy(html: str) -> str:
    """The Content-Security-Policy of a report's own page: nothing but its own inline style
    (by hash) and its charts (data: images); no script, no form, no frame."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _STYLE.findall(html)
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _document(html: str) -> Response:
    return Response(
        html,
        media_type=FORMATS["html"],
        headers={"Content-Security-Policy": document_policy(html)},
    )


# -- public --------------------------------------------------------------------------------


@router.get("/progress")
async def progress_list(request: Request) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        reports = [
            {
                "name": _(
                    "Quarter {number}, {year}: {period}",
                    number=quarter.number,
                    year=quarter.year,
                    period=quarter_name(quarter, language),
                ),
                "published": long_date(report.published_at, language),
                "html": public_url(quarter, language),
                "pdf": public_url(quarter, language, "pdf"),
            }
            for report in published_reports(session)
            for quarter in [Quarter.parse(report.quarter)]
        ]
    return render(
        request, "progress.html", title=_("Digital first: progress reports"), reports=reports
    )


# -- the CoE -------------------------------------------------------------------------------


def _require_coe(visitor: Visitor) -> None:
    if not visitor.holds(Role.COE, Role.ADMIN):
        raise HTTPException(404)


def _manage_page(
    request: Request, visitor: Visitor, values: dict[str, str], errors: FormErrors | None
) -> Response:
    language = get_language()
    with session_scope(read_only=True) as session:
        reports = [
            {
                "quarter": report.quarter,
                "period": quarter_name(Quarter.parse(report.quarter), language),
                "published": report.status == PUBLISHED,
                "href": f"/progress/manage/{Quarter.parse(report.quarter).slug}",
            }
            for report in reports_for_coe(session, visitor.id)
        ]
    return render_form(
        request,
        "progress_manage.html",
        errors,
        title=_("Progress reports: drafts and published"),
        reports=reports,
        values=values,
    )


@router.get("/progress/manage")
async def manage_page(request: Request, visitor: CurrentVisitor) -> Response:
    _require_coe(visitor)
    default = str(Quarter.last_complete(london_today()))
    return _manage_page(request, visitor, {"quarter": default}, None)


@router.post("/progress/manage")
def generate_page(request: Request, visitor: CurrentVisitor, form: PostedForm) -> Response:
    _require_coe(visitor)
    values = {"quarter": text(form, "quarter")}
    try:
        quarter = Quarter.parse(values["quarter"])
        with session_scope() as session:
            generate(session, quarter, visitor.id, registry())
    except DfrError as err:
        errors = FormErrors()
        errors.add("quarter", err.message)
        return _manage_page(request, visitor, values, errors)
    return RedirectResponse(f"/progress/manage/{quarter.slug}", status_code=303)


def _draft_page(
    request: Request,
    visitor: Visitor,
    quarter: Quarter,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    with session_scope(read_only=True) as session:
        report = draft_for(session, quarter, visitor.id)
    shown = values or {"lessons_cy": report.lessons_cy, "lessons_en": report.lessons_en}
    return render_form(
        request,
        "progress_draft.html",
        errors,
        title=_("Progress report for {quarter}", quarter=str(quarter)),
        period=quarter_name(quarter, get_language()),
        slug=quarter.slug,
        published=report.status == PUBLISHED,
        values=shown,
        links=[
            (lang, public_url(quarter, lang), public_url(quarter, lang, "pdf"))
            for lang in LANGUAGES
        ],
    )


@router.get("/progress/manage/{slug}")
def draft_page(request: Request, visitor: CurrentVisitor, slug: str) -> Response:
    _require_coe(visitor)
    return _draft_page(request, visitor, _quarter(slug))


@router.get("/progress/manage/{slug}/preview/{language}")
def preview_page(visitor: CurrentVisitor, slug: str, language: str) -> Response:
    _require_coe(visitor)
    if language not in LANGUAGES:
        raise HTTPException(404)
    with session_scope(read_only=True) as session:
        return _document(preview(session, _quarter(slug), visitor.id, language))


@router.post("/progress/manage/{slug}/lessons")
def lessons_page(
    request: Request, visitor: CurrentVisitor, form: PostedForm, slug: str
) -> Response:
    _require_coe(visitor)
    quarter = _quarter(slug)
    values = {name: text(form, name) for name in ("lessons_cy", "lessons_en")}
    try:
        with session_scope() as session:
            edit_lessons(session, quarter, visitor.id, values["lessons_cy"], values["lessons_en"])
    except NotFoundError:
        raise
    except DfrError as err:
        errors = FormErrors()
        errors.add(err.field if err.field in values else "lessons_en", err.message)
        return _draft_page(request, visitor, quarter, errors, values)
    return RedirectResponse(f"/progress/manage/{slug}", status_code=303)


@router.post("/progress/manage/{slug}/publish")
def publish_page(
    request: Request, visitor: CurrentVisitor, form: PostedForm, slug: str
) -> Response:
    _require_coe(visitor)
    quarter = _quarter(slug)
    try:
        with session_scope() as session:
            publish(session, quarter, visitor.id)
    except NotFoundError:
        raise
    except DfrError as err:
        errors = FormErrors()
        errors.add("publish", err.message)
        return _draft_page(request, visitor, quarter, errors)
    return RedirectResponse(f"/progress/manage/{slug}", status_code=303)


# Last: `/progress/manage/…` above must not be read as a quarter and a document.
@router.get("/progress/{slug}/{document}")
def progress_document(slug: str, document: str) -> Response:
    language, _dot, format = document.partition(".")
    format = format or "html"
    if language not in LANGUAGES or format not in FORMATS:
        raise HTTPException(404)
    quarter = _quarter(slug)
    with session_scope(read_only=True) as session:
        stored = published_file(session, quarter, language, format)
    if format == "html":
        return _document(stored.content.decode())
    return Response(
        stored.content,
        media_type=FORMATS["pdf"],
        headers={
            "Content-Disposition": f'inline; filename="progress-{quarter.slug}.{language}.pdf"'
        },
    )

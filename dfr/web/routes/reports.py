"""Published assessment reports for the public, signed in or not: the finder at /reports, each
report at /reports/SLUG, the Atom feed of new reports, and the open data (CSV and JSON, one row
per report and one per standard rating) streamed a batch at a time.

Each page has a stable address in each language: `?lang=cy` or `?lang=en` chooses it (and
wins over the browser's remembered choice); without it, the page is in the remembered one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from dfr.errors import ValidationError
from dfr.i18n import _, get_language, gettext, set_language
from dfr.labels import OUTCOMES, PHASES, label
from dfr.web.forms import FormErrors
from dfr.web.templating import render
from models.db import session_scope
from models.published_report import RESULTS
from services.register_publication import LICENCE, LICENCE_URL
from services.report_finder import (
    FINDER_PHASES,
    RATING_FIELDS,
    REPORT_FIELDS,
    ReportFilters,
    directorates,
    feed_reports,
    find_reports,
    finder_filters,
    public_report,
    rating_records,
    report_records,
)

router = APIRouter()
ATOM = "http://www.w3.org/2005/Atom"
FIELD_IDS = {"assessed_from": "from", "assessed_to": "to"}


def page_language(request: Request) -> str:
    """The language the address asks for (`?lang=`), else the remembered one."""
    asked = request.query_params.get("lang")
    if asked in ("cy", "en"):
        set_language(asked)  # type: ignore[arg-type]
    return get_language()


def _address(path: str, params: Iterable[tuple[str, str]], language: str) -> str:
    kept = [(k, v) for k, v in params if k != "lang" and v]
    return f"{path}?{urlencode([*kept, ('lang', language)])}"


def _language_urls(request: Request) -> dict[str, str]:
    params = list(request.query_params.multi_items())
    return {code: _address(request.url.path, params, code) for code in ("cy", "en")}


def phase_name(phase: str) -> str:
    return _("reassessment") if phase == "reassessment" else label(PHASES, phase)


@router.get("/reports")
async def finder_page(request: Request) -> Response:
    language = page_language(request)
    query = {key: request.query_params.getlist(key) for key in request.query_params}
    errors = None
    with session_scope(read_only=True) as session:
        try:
            filters = finder_filters(session, query)
            found = find_reports(session, filters)
        except ValidationError as err:
            errors = FormErrors()
            errors.add(FIELD_IDS.get(err.field or "", err.field or "words"), err.message)
            filters, found = ReportFilters(), None
        dgs = directorates(session)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
    return render(
        request,
        "reports.html",
        400 if errors else 200,
        title=_("Service assessment reports"),
        errors=errors,
        query=query,
        filters=filters,
        found=found,
        dgs=dgs,
        phases=[(p, phase_name(p)) for p in FINDER_PHASES],
        results=[(r, label(OUTCOMES, r)) for r in RESULTS],
        page_url=lambda n: _address("/reports", [*params, ("page", str(n))], language),
        report_url=lambda slug: _address(f"/reports/{slug}", [], language),
        phase_name=phase_name,
        language_urls=_language_urls(request),
    )


@router.get("/reports/feed.atom")
async def atom_feed(request: Request) -> Response:
    language = page_language(request)
    base = str(request.base_url).rstrip("/")
    with session_scope(read_only=True) as session:
        newest = feed_reports(session)
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"xml:lang": language})

    def add(
        parent: ElementTree.Element, name: str, text: str | None = None, **attrs: str
    ) -> ElementTree.Element:
        child = ElementTree.SubElement(parent, f"{{{ATOM}}}{name}", attrs)
        child.text = text
        return child

    add(feed, "title", _("Service assessment reports"))
    add(feed, "id", f"{base}/reports/feed.atom?lang={language}")
    add(feed, "link", rel="self", href=f"{base}/reports/feed.atom?lang={language}")
    add(feed, "link", rel="alternate", href=f"{base}/reports?lang={language}")
    updated = max((v.published_at for _p, v in newest), default=None)
    add(feed, "updated", (updated.isoformat() if updated else "1970-01-01T00:00:00+00:00"))
    add(add(feed, "author"), "name", gettext("Digital-first review", language))
    for published, version in newest:
        s = version.snapshot
        entry = add(feed, "entry")
        add(entry, "title", published.title(language))
        add(entry, "id", f"{base}/reports/{published.slug}?lang={language}")
        add(entry, "link", rel="alternate", href=f"{base}/reports/{published.slug}?lang={language}")
        add(entry, "published", published.first_published_at.isoformat())
        add(entry, "updated", version.published_at.isoformat())
        add(
            entry,
            "summary",
            _(
                "{dg}: {phase} assessment on {date}, result {result}.",
                dg=s["dg_name"][language],
                phase=phase_name("reassessment" if s["reassessment"] else s["phase"]),
                date=s["assessed_on"],
                result=label(OUTCOMES, s["result"]),
            ),
        )
    body = ElementTree.tostring(feed, encoding="unicode", xml_declaration=True)
    return Response(body, media_type="application/atom+xml; charset=utf-8")


@router.get("/reports/{slug}")
async def report_page(request: Request, slug: str) -> Response:
    page_language(request)
    with session_scope(read_only=True) as session:
        shown = public_report(session, slug)
    return render(
        request,
        "report_public.html",
        title=shown.published.title(get_language())
        if shown.current
        else _("This report was withdrawn"),
        shown=shown,
        content=shown.current.snapshot if shown.current else None,
        language_urls=_language_urls(request),
    )


# -- open data: stable addresses; each streams, a batch of reports at a time -----------------


def _csv_lines(records: Iterator[dict[str, Any]], fields: Sequence[str]) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
        if out.tell() > 64_000:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def _json_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield json.dumps({"licence": LICENCE, "licence_url": LICENCE_URL})[:-1] + ', "records": ['
    chunk, first = [], True
    for record in records:
        chunk.append(("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False))
        first = False
        if len(chunk) >= 200:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk) + "\n]}\n"


def _stream(lines: Iterator[str], media_type: str, name: str) -> StreamingResponse:
    return StreamingResponse(
        lines,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/open-data/reports.csv")
async def reports_csv() -> Response:
    return _stream(
        _csv_lines(report_records(), REPORT_FIELDS), "text/csv; charset=utf-8", "reports.csv"
    )


@router.get("/open-data/reports.json")
async def reports_json() -> Response:
    return _stream(_json_lines(report_records()), "application/json", "reports.json")


@router.get("/open-data/report-ratings.csv")
async def ratings_csv() -> Response:
    return _stream(
        _csv_lines(rating_records(), RATING_FIELDS),
        "text/csv; charset=utf-8",
        "report-ratings.csv",
    )


@router.get("/open-data/report-ratings.json")
async def ratings_json() -> Response:
    return _stream(_json_lines(rating_records()), "application/json", "report-ratings.json")

"""What the public reads of published assessment reports: the finder (words, DG, phase,
result, assessment dates; newest first, a page at a time), one report at its stable address
(or the notice that it was withdrawn), the Atom feed's newest reports, and every published
report as open data. Anyone may read these, signed in or not; drafts, reports not yet
published and withdrawn reports are never among them.

The open data is read in batches of `BATCH` reports (keyset pages, each in its own short
read-only transaction), so a download of every report holds one batch in memory at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, ValidationError
from dfr.i18n import _
from dfr.labels import N_
from models.db import session_scope
from models.directory import Directorate
from models.published_report import (
    PHASES,
    RESULTS,
    PublishedReport,
    PublishedReportVersion,
)

PAGE_SIZE = 20
BATCH = 500
FEED_SIZE = 50
FINDER_PHASES = (*PHASES, "reassessment")
LONGEST_SEARCH = 200
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class ReportFilters:
    """What the finder is asked for; every value checked (`finder_filters`)."""

    words: str = ""
    dgs: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()
    results: tuple[str, ...] = ()
    assessed_from: date | None = None
    assessed_to: date | None = None
    page: int = 1


@dataclass(frozen=True)
class FinderPage:
    reports: list[PublishedReport]
    total: int  # that the filters keep, on every page
    page: int
    pages: int
    dgs: dict[str, Directorate] = field(default_factory=dict)


def directorates(session: Session) -> dict[str, Directorate]:
    """Every DG by code: the finder's DG facet."""
    return {
        dg.code: dg
        for dg in session.exec(select(Directorate).order_by(col(Directorate.code))).all()
    }


def _date(value: str, name: str, field: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        found = _DAY_MONTH_YEAR.match(value)
        if found:
            day, month, year = (int(g) for g in found.groups())
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(
            _(
                "The assessment date {name} must be a real date, for example 31/3/2027 or "
                "2027-03-31.",
                name=name,
            ),
            field=field,
        ) from None


def _chosen(
    values: list[str], allowed: Mapping[str, Any] | tuple[str, ...], field: str, message: str
) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v for v in values if v))
    for value in chosen:
        if value not in allowed:
            raise ValidationError(_(message, value=value[:40]), field=field)
    return chosen


def finder_filters(session: Session, query: Mapping[str, list[str]]) -> ReportFilters:
    """The finder's filters from a query (each name with its values), or a ValidationError
    naming the first value that does not fit and how to fix it."""

    def one(name: str) -> str:
        values = query.get(name) or [""]
        return values[-1]

    words = " ".join(one("words").split())
    if len(words) > LONGEST_SEARCH:
        raise ValidationError(
            _("Search for at most {count} characters.", count=LONGEST_SEARCH), field="words"
        )
    dgs = _chosen(
        query.get("dg", []), directorates(session), "dg",
        N_("There is no directorate-general “{value}”. Choose one from the list."),
    )  # fmt: skip
    phases = _chosen(
        query.get("phase", []), FINDER_PHASES, "phase",
        N_("“{value}” is not a phase. Choose alpha, beta, live or reassessment."),
    )  # fmt: skip
    results = _chosen(
        query.get("result", []), RESULTS, "result",
        N_("“{value}” is not a result. Choose red, amber or green."),
    )  # fmt: skip
    assessed_from = _date(one("from"), _("from"), "assessed_from")
    assessed_to = _date(one("to"), _("to"), "assessed_to")
    if assessed_from and assessed_to and assessed_from > assessed_to:
        raise ValidationError(
            _("The assessment date “from” must be on or before the date “to”."),
            field="assessed_from",
        )
    page_text = one("page") or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= 100_000:
        raise ValidationError(_("The page must be a whole number, 1 or more."), field="page")
    return ReportFilters(words, dgs, phases, results, assessed_from, assessed_to, int(page_text))


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(filters: ReportFilters) -> list[Any]:
    where: list[Any] = [PublishedReport.status == "published"]
    for word in filters.words.lower().split():
        where.append(col(PublishedReport.search_text).like(_like(word), escape="\\"))
    if filters.dgs:
        where.append(col(PublishedReport.dg_code).in_(filters.dgs))
    if filters.phases:
        phases = [p for p in filters.phases if p != "reassessment"]
        kept = [col(PublishedReport.phase).in_(phases)] if phases else []
        if "reassessment" in filters.phases:
            kept.append(col(PublishedReport.reassessment).is_(True))
        where.append(kept[0] if len(kept) == 1 else kept[0] | kept[1])
    if filters.results:
        where.append(col(PublishedReport.result).in_(filters.results))
    if filters.assessed_from:
        where.append(col(PublishedReport.assessed_on) >= filters.assessed_from)
    if filters.assessed_to:
        where.append(col(PublishedReport.assessed_on) <= filters.assessed_to)
    return where


def find_reports(session: Session, filters: ReportFilters) -> FinderPage:
    """The published reports the filters keep, newest assessment first, one page of them."""
    where = _conditions(filters)
    if filters.dgs:
        return _find_by_facets(session, filters, where)
    total = session.exec(select(func.count()).select_from(PublishedReport).where(*where)).one()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    reports = session.exec(
        select(PublishedReport)
        .options(defer(PublishedReport.search_text))  # type: ignore[arg-type]
        .where(*where)
        .order_by(col(PublishedReport.assessed_on).desc(), col(PublishedReport.id).desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return FinderPage(list(reports), total, page, pages, directorates(session))


def _find_by_facets(session: Session, filters: ReportFilters, where: list[Any]) -> FinderPage:
    """With a DG chosen, the kept reports' keys come from the facets' index (a DG's share of
    the reports) and are put in order here; ordering in the database would walk every report
    by date instead, testing each against the facets."""
    keys = sorted(
        session.exec(
            select(col(PublishedReport.id), col(PublishedReport.assessed_on)).where(*where)
        ).all(),
        key=lambda key: (key[1], key[0]),
        reverse=True,
    )
    pages = max(1, -(-len(keys) // PAGE_SIZE))
    page = min(filters.page, pages)
    ids = [key[0] for key in keys[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    found = {
        report.id: report
        for report in session.exec(
            select(PublishedReport)
            .options(defer(PublishedReport.search_text))  # type: ignore[arg-type]
            .where(col(PublishedReport.id).in_(ids))
        ).all()
    }
    reports = [found[i] for i in ids]
    return FinderPage(reports, len(keys), page, pages, directorates(session))


@dataclass(frozen=True)
class PublicReport:
    published: PublishedReport
    current: PublishedReportVersion | None  # None once withdrawn
    corrections: list[PublishedReportVersion]  # every version after the first, oldest first
    first_published_at: datetime


def public_report(session: Session, slug: str) -> PublicReport:
    """A published report at its address, with its corrections; a withdrawn one without its
    content. Anything else is "not found", like any page that does not exist."""
    published = session.exec(
        select(PublishedReport).where(PublishedReport.slug == slug)
    ).one_or_none()
    if published is None:
        raise NotFoundError(_("Check the web address is correct."), field="report")
    versions = list(
        session.exec(
            select(PublishedReportVersion)
            .where(PublishedReportVersion.published_id == published.id)
            .order_by(col(PublishedReportVersion.version))
        ).all()
    )
    current = versions[-1] if published.status == "published" else None
    return PublicReport(published, current, versions[1:], published.first_published_at)


def feed_reports(session: Session) -> list[tuple[PublishedReport, PublishedReportVersion]]:
    """The newest published reports (by first publication), each with its current version."""
    return [
        (published, version)
        for published, version in session.exec(
            select(PublishedReport, PublishedReportVersion)
            .join(
                PublishedReportVersion,
                (col(PublishedReportVersion.published_id) == PublishedReport.id)
                & (col(PublishedReportVersion.version) == PublishedReport.version),
            )
            .where(PublishedReport.status == "published")
            .order_by(
                col(PublishedReport.first_published_at).desc(), col(PublishedReport.id).desc()
            )
            .limit(FEED_SIZE)
        ).all()
    ]


# -- open data ---------------------------------------------------------------------------------

REPORT_FIELDS = (
    "slug", "reference", "version", "first_published", "last_changed", "content_hash",
    "service_name_en", "service_name_cy", "description_en", "description_cy",
    "dg", "dg_name_en", "dg_name_cy", "phase", "reassessment", "assessment_date", "result",
    "lead_assessor", "panel_roles", "summary_en", "summary_cy",
    "correction_reason_en", "correction_reason_cy",
)  # fmt: skip
RATING_FIELDS = (
    "slug", "reference", "assessment_date", "standard_id", "standard_number",
    "standard_name_en", "standard_name_cy", "rating",
    "done_well_en", "done_well_cy", "to_explore_en", "to_explore_cy",
)  # fmt: skip


def _batches() -> Iterator[list[tuple[PublishedReport, PublishedReportVersion]]]:
    """Every published report with its current version, `BATCH` at a time, by id."""
    after = 0
    while True:
        with session_scope(read_only=True) as session:
            rows = session.exec(
                select(PublishedReport, PublishedReportVersion)
                .join(
                    PublishedReportVersion,
                    (col(PublishedReportVersion.published_id) == PublishedReport.id)
                    & (col(PublishedReportVersion.version) == PublishedReport.version),
                )
                .where(PublishedReport.status == "published", col(PublishedReport.id) > after)
                .order_by(col(PublishedReport.id))
                .limit(BATCH)
            ).all()
            batch = [(p, v) for p, v in rows]
        if not batch:
            return
        yield batch
        after = batch[-1][0].id or 0


def report_record(published: PublishedReport, version: PublishedReportVersion) -> dict[str, Any]:
    """One published report as the open data gives it (README: "Published assessment reports")."""
    s = version.snapshot
    record: dict[str, Any] = {
        "slug": published.slug,
        "reference": s["reference"],
        "version": version.version,
        "first_published": published.first_published_at.isoformat(timespec="seconds"),
        "last_changed": version.published_at.isoformat(timespec="seconds"),
        "content_hash": version.content_hash,
    }
    for language in ("en", "cy"):
        record[f"service_name_{language}"] = s["service_name"][language]
    for language in ("en", "cy"):
        record[f"description_{language}"] = s["description"][language]
    record |= {
        "dg": s["dg"],
        "dg_name_en": s["dg_name"]["en"],
        "dg_name_cy": s["dg_name"]["cy"],
        "phase": s["phase"],
        "reassessment": s["reassessment"],
        "assessment_date": s["assessed_on"],
        "result": s["result"],
        "lead_assessor": s["lead_assessor"],
        "panel_roles": ";".join(s["panel"]),
        "summary_en": s["summary"]["en"],
        "summary_cy": s["summary"]["cy"],
        "correction_reason_en": version.reason_en,
        "correction_reason_cy": version.reason_cy,
    }
    return record


def report_records() -> Iterator[dict[str, Any]]:
    """Every published report, one record each, read a batch at a time."""
    for batch in _batches():
        for published, version in batch:
            yield report_record(published, version)


def rating_records() -> Iterator[dict[str, Any]]:
    """Every standard's rating in every published report, read a batch of reports at a time."""
    for batch in _batches():
        for published, version in batch:
            s = version.snapshot
            for standard in s["standards"]:
                record: dict[str, Any] = {
                    "slug": published.slug,
                    "reference": s["reference"],
                    "assessment_date": s["assessed_on"],
                    "standard_id": standard["id"],
                    "standard_number": standard["number"],
                }
                for language in ("en", "cy"):
                    record[f"standard_name_{language}"] = standard["name"][language]
                record["rating"] = standard["rating"]
                for part in ("done_well", "to_explore"):
                    for language in ("en", "cy"):
                        record[f"{part}_{language}"] = standard[part][language]
                yield record

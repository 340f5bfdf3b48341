"""The quarterly progress report (Digital Action Plan action 20): generated as a draft after
each quarter (by the scheduled flow, or on demand), its lessons written by the Digital CoE in
Welsh and English, previewed, then published.

- One report per quarter: generating again refreshes the draft's figures (its lessons stay),
  and leaves a published report exactly as it is.
- Only the CoE and administrators generate, edit, preview or publish; to anyone else a draft
  does not exist (the same "not found" as a quarter without one). Refusals write nothing.
- Publishing renders the HTML and PDF in both languages once, stores those bytes, and appends
  `progress_report.published` to the decision log with each document's SHA-256. A published
  report never changes: editing or publishing it again is refused with the reason.
- Anyone may read a published report, signed in or not.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from checklists.loader import Registry
from dfr.dates import long_date
from dfr.errors import NotFoundError, TransitionError
from dfr.i18n import LANGUAGES, _, get_language
from models import audit, text_limits
from models.lifecycle import Role
from models.progress_report import PUBLISHED, ProgressReport, ProgressReportFile
from models.quarter import Quarter
from models.text_limits import within
from services.access import load_actor
from services.progress_figures import LONDON, progress_figures
from services.progress_render import render_html, render_pdf

log = logging.getLogger("dfr.services.progress_reports")

EVENT_GENERATED = "progress_report.generated"
EVENT_EDITED = "progress_report.edited"
EVENT_PUBLISHED = "progress_report.published"


@dataclass(frozen=True)
class Generated:
    report: ProgressReport
    created: bool  # False: the quarter's draft was refreshed, or it was already published

    @property
    def published(self) -> bool:
        return self.report.status == PUBLISHED


def _no_report(quarter: Quarter | str) -> NotFoundError:
    return NotFoundError(
        _("There is no progress report for {quarter}.", quarter=str(quarter)), field="quarter"
    )


def _require_coe(session: Session, actor_id: str | None, quarter: Quarter | str) -> None:
    """The CoE and administrators; anyone else is told the report does not exist."""
    if actor_id is None:
        return  # the schedule
    actor = load_actor(session, actor_id)
    if actor is None or not actor.holds(Role.COE, Role.ADMIN):
        log.info("progress report refused: %s asked for %s", actor_id, quarter)
        raise _no_report(quarter)


def _report(session: Session, quarter: Quarter, lock: bool = False) -> ProgressReport | None:
    query = select(ProgressReport).where(ProgressReport.quarter == str(quarter))
    if lock:
        query = query.with_for_update()
    return session.exec(query).one_or_none()


def generate(
    session: Session,
    quarter: Quarter,
    actor_id: str | None,
    registry: Registry,
    today: datetime | None = None,
) -> Generated:
    """The quarter's draft, made or refreshed; a published report is returned untouched.
    `actor_id` None: the schedule. A quarter that has not ended is refused."""
    _require_coe(session, actor_id, quarter)
    now = today or datetime.now(UTC)
    if quarter.next.start > now.astimezone(LONDON).date():
        raise TransitionError(
            _(
                "{quarter} has not ended yet: a report can be generated from {day}.",
                quarter=str(quarter),
                day=long_date(quarter.next.start, get_language()),
            ),
            field="quarter",
        )
    report = _report(session, quarter, lock=True)
    if report is not None and report.status == PUBLISHED:
        return Generated(report, created=False)
    figures = progress_figures(session, quarter, registry)
    created = report is None
    if report is None:
        report = ProgressReport(quarter=str(quarter), figures=figures, generated_by_id=actor_id)
    else:
        report.figures, report.generated_by_id = figures, actor_id
        report.generated_at = now
        report.version += 1
    session.add(report)
    session.flush()
    audit.append(
        session,
        event=EVENT_GENERATED,
        actor_id=actor_id,
        submission_id=None,
        payload={"quarter": str(quarter), "created": created, "version": report.version},
    )
    return Generated(report, created)


def draft_for(session: Session, quarter: Quarter, actor_id: str) -> ProgressReport:
    """The quarter's report as the CoE reviews it (draft or published)."""
    _require_coe(session, actor_id, quarter)
    report = _report(session, quarter)
    if report is None:
        raise _no_report(quarter)
    return report


def _published_refusal(report: ProgressReport) -> TransitionError:
    return TransitionError(
        _(
            "The progress report for {quarter} is published, so it cannot change. Anything "
            "to add goes in the next quarter's report.",
            quarter=report.quarter,
        ),
        field="quarter",
    )


def edit_lessons(
    session: Session, quarter: Quarter, actor_id: str, lessons_cy: str, lessons_en: str
) -> ProgressReport:
    """The CoE's lessons (Markdown, each language), on a draft only."""
    _require_coe(session, actor_id, quarter)
    within(lessons_cy, text_limits.RATIONALE, "lessons_cy")
    within(lessons_en, text_limits.RATIONALE, "lessons_en")
    report = _report(session, quarter, lock=True)
    if report is None:
        raise _no_report(quarter)
    if report.status == PUBLISHED:
        raise _published_refusal(report)
    report.lessons_cy, report.lessons_en = lessons_cy.strip(), lessons_en.strip()
    report.version += 1
    session.add(report)
    audit.append(
        session,
        event=EVENT_EDITED,
        actor_id=actor_id,
        submission_id=None,
        payload={
            "quarter": report.quarter,
            "version": report.version,
            "lessons_sha256": {
                lang: hashlib.sha256(report.lessons(lang).encode()).hexdigest()
                for lang in LANGUAGES
            },
        },
    )
    return report


def preview(session: Session, quarter: Quarter, actor_id: str, language: str) -> str:
    """The draft's HTML as it would be published (marked as a draft)."""
    report = draft_for(session, quarter, actor_id)
    if report.status == PUBLISHED:
        return published_file(session, quarter, language, "html").content.decode()
    return render_html(report.figures, report.lessons(language), language)


def documents(session: Session, quarter: Quarter, actor_id: str) -> dict[tuple[str, str], bytes]:
    """The report's HTML and PDF in each language, by (language, format): as published, or
    the draft as it stands (marked as a draft)."""
    report = draft_for(session, quarter, actor_id)
    if report.status == PUBLISHED:
        return {
            (f.language, f.format): f.content
            for f in session.exec(
                select(ProgressReportFile).where(ProgressReportFile.report_id == report.id)
            ).all()
        }
    made: dict[tuple[str, str], bytes] = {}
    for language in LANGUAGES:
        html = render_html(report.figures, report.lessons(language), language)
        made[(language, "html")] = html.encode()
        made[(language, "pdf")] = render_pdf(html)
    return made


def public_url(quarter: Quarter | str, language: str, format: str = "html") -> str:
    """A published report's stable address, per language and format."""
    slug = Quarter.parse(str(quarter)).slug
    return f"/progress/{slug}/{language}" + (".pdf" if format == "pdf" else "")


def publish(session: Session, quarter: Quarter, actor_id: str) -> ProgressReport:
    """Freeze the draft: render and store its HTML and PDF in each language, and log their
    SHA-256. A published report is refused (it never changes)."""
    _require_coe(session, actor_id, quarter)
    report = _report(session, quarter, lock=True)
    if report is None:
        raise _no_report(quarter)
    if report.status == PUBLISHED:
        raise _published_refusal(report)
    now = datetime.now(UTC)
    hashes: dict[str, dict[str, str]] = {}
    for language in LANGUAGES:
        other = "en" if language == "cy" else "cy"
        html = render_html(
            report.figures,
            report.lessons(language),
            language,
            published=now,
            other_language_url=public_url(quarter, other),
        )
        pdf = render_pdf(
            render_html(report.figures, report.lessons(language), language, published=now)
        )
        for format, content in (("html", html.encode()), ("pdf", pdf)):
            digest = hashlib.sha256(content).hexdigest()
            hashes.setdefault(language, {})[format] = digest
            session.add(
                ProgressReportFile(
                    report_id=report.id or 0,
                    language=language,
                    format=format,
                    content=content,
                    sha256=digest,
                )
            )
    report.status, report.published_at, report.published_by_id = PUBLISHED, now, actor_id
    report.version += 1
    session.add(report)
    audit.append(
        session,
        event=EVENT_PUBLISHED,
        actor_id=actor_id,
        submission_id=None,
        payload={"quarter": report.quarter, "version": report.version, "sha256": hashes},
        at=now,
    )
    session.flush()
    return report


def published_reports(session: Session) -> list[ProgressReport]:
    """Every published report, newest quarter first (drafts are nobody's business)."""
    return list(
        session.exec(
            select(ProgressReport)
            .where(ProgressReport.status == PUBLISHED)
            .order_by(col(ProgressReport.quarter).desc())
        ).all()
    )


def published_file(
    session: Session, quarter: Quarter, language: str, format: str
) -> ProgressReportFile:
    """A published report's document, exactly as published; a draft is "not found"."""
    found = session.exec(
        select(ProgressReportFile)
        .join(ProgressReport, col(ProgressReport.id) == col(ProgressReportFile.report_id))
        .where(
            ProgressReport.quarter == str(quarter),
            ProgressReport.status == PUBLISHED,
            ProgressReportFile.language == language,
            ProgressReportFile.format == format,
        )
    ).one_or_none()
    if found is None:
        raise _no_report(quarter)
    return found


def reports_for_coe(session: Session, actor_id: str) -> list[ProgressReport]:
    """Every report, drafts too, newest quarter first: the CoE's list."""
    _require_coe(session, actor_id, _("any quarter"))
    return list(
        session.exec(select(ProgressReport).order_by(col(ProgressReport.quarter).desc())).all()
    )

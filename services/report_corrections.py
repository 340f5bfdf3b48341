"""Changing a published assessment report: a correction is a new version (its texts changed,
more phrases withheld) with its reason shown to the public, the earlier versions and their
hashes kept (`report.corrected`); withdrawing leaves a public notice at the same address,
"withdrawn on DATE: reason" (`report.withdrawn`). Both need the reason in Welsh and English.

Who: as for publishing (`services.report_publication`). A refusal writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, select

from dfr.errors import NotFoundError, TransitionError, ValidationError
from dfr.i18n import _
from models import audit, text_limits
from models.assessment_report import AssessmentReport
from models.published_report import (
    LANGUAGES,
    PublishedReport,
    PublishedReportVersion,
    content_hash,
    with_redactions,
)
from models.text_limits import within
from models.working_days import london_today
from services.panels import logged_step, visible_for
from services.report_publication import (
    checked_redactions,
    refresh_finder_columns,
    require_publisher,
)


def _by_slug(session: Session, slug: str) -> PublishedReport:
    published = session.exec(
        select(PublishedReport).where(PublishedReport.slug == slug)
    ).one_or_none()
    if published is None:
        raise NotFoundError(_("There is no published report {slug}.", slug=slug), field="report")
    return published


def _staff_step(
    session: Session, slug: str, person_id: str, on: date
) -> tuple[PublishedReport, AssessmentReport]:
    published = _by_slug(session, slug)
    actor, _submission = visible_for(session, person_id, published.submission_id, on)
    report = session.get(AssessmentReport, published.report_id)
    assert report is not None
    require_publisher(session, actor, report, on)
    if published.status == "withdrawn":
        raise TransitionError(
            _("This report has been withdrawn; it cannot be changed."), field="report"
        )
    return published, report


def _reasons(reason_cy: str, reason_en: str) -> tuple[str, str]:
    for language, reason in (("cy", reason_cy), ("en", reason_en)):
        if not reason.strip():
            raise ValidationError(
                _("Give the reason in Welsh and in English: the public reads it in both."),
                field=f"reason.{language}",
            )
        within(reason, text_limits.RATIONALE, f"reason.{language}")
    return reason_cy.strip(), reason_en.strip()


def _changed(snapshot: dict[str, Any], changes: Mapping[str, str]) -> dict[str, Any]:
    """The snapshot with texts replaced: `summary.en`, `description.cy`, `service_name.en`,
    `w03.done_well.cy`, `w03.to_explore.en`."""
    copy = with_redactions(snapshot, [])  # a deep enough copy of every text
    by_id = {s["id"]: s for s in copy["standards"]}
    for path, text in changes.items():
        parts = path.split(".")
        language = parts[-1]
        if len(parts) == 2 and parts[0] in ("summary", "description", "service_name"):
            target = copy[parts[0]]
        elif len(parts) == 3 and parts[0] in by_id and parts[1] in ("done_well", "to_explore"):
            target = by_id[parts[0]][parts[1]]
        else:
            target = None
        if target is None or language not in LANGUAGES:
            raise ValidationError(
                _("{path} is not a text of the report.", path=path), field="changes"
            )
        target[language] = within(text, text_limits.ASSESSMENT_NOTE, "changes")
    return copy


def correct_report(
    session: Session,
    slug: str,
    person_id: str,
    reason_cy: str,
    reason_en: str,
    *,
    redactions: Iterable[str] = (),
    changes: Mapping[str, str] | None = None,
    on: date | None = None,
    at: datetime | None = None,
) -> PublishedReportVersion:
    """A corrected version of a published report: its texts changed (`changes`) and more
    phrases withheld, with the reason shown to the public. The earlier versions stay."""
    today = on or london_today()

    def step() -> PublishedReportVersion:
        published, _report = _staff_step(session, slug, person_id, today)
        cy, en = _reasons(reason_cy, reason_en)
        current = session.exec(
            select(PublishedReportVersion).where(
                PublishedReportVersion.published_id == published.id,
                PublishedReportVersion.version == published.version,
            )
        ).one()
        changed = _changed(current.snapshot, changes or {})
        snapshot = with_redactions(changed, checked_redactions(redactions, changed))
        new_hash = content_hash(snapshot)
        if new_hash == current.content_hash:
            raise ValidationError(
                _(
                    "The correction changes nothing in the report. Change a text or withhold "
                    "a phrase."
                ),
                field="changes",
            )
        moment = at or datetime.now(UTC)
        published.version += 1
        refresh_finder_columns(published, snapshot)
        session.add(published)
        entry = audit.append(
            session,
            event="report.corrected",
            actor_id=person_id,
            submission_id=published.submission_id,
            payload={
                "published_id": published.id,
                "slug": published.slug,
                "version": published.version,
                "content_hash": new_hash,
                "previous_hash": current.content_hash,
                "reason_cy": cy,
                "reason_en": en,
            },
            at=moment,
        )
        version = PublishedReportVersion(
            published_id=published.id or 0,
            version=published.version,
            snapshot=snapshot,
            content_hash=new_hash,
            published_at=moment,
            published_by_id=person_id,
            reason_cy=cy,
            reason_en=en,
            log_seq=entry.seq,
        )
        session.add(version)
        session.flush()
        return version

    return logged_step("report correction", person_id, _submission_of(session, slug), step)


def withdraw_report(
    session: Session,
    slug: str,
    person_id: str,
    reason_cy: str,
    reason_en: str,
    *,
    on: date | None = None,
    at: datetime | None = None,
) -> PublishedReport:
    """Withdraw a published report: its address then shows only that it was withdrawn, when
    and why; it leaves the finder and the open data."""
    today = on or london_today()

    def step() -> PublishedReport:
        published, _report = _staff_step(session, slug, person_id, today)
        cy, en = _reasons(reason_cy, reason_en)
        moment = at or datetime.now(UTC)
        published.status, published.withdrawn_at = "withdrawn", moment
        published.withdrawn_reason_cy, published.withdrawn_reason_en = cy, en
        session.add(published)
        audit.append(
            session,
            event="report.withdrawn",
            actor_id=person_id,
            submission_id=published.submission_id,
            payload={
                "published_id": published.id,
                "slug": slug,
                "version": published.version,
                "reason_cy": cy,
                "reason_en": en,
            },
            at=moment,
        )
        session.flush()
        return published

    return logged_step("report withdrawal", person_id, _submission_of(session, slug), step)


def _submission_of(session: Session, slug: str) -> int:
    found = session.exec(
        select(PublishedReport.submission_id).where(PublishedReport.slug == slug)
    ).first()
    return found or 0

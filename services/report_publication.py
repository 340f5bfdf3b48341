"""Publishing an accepted assessment report: the preview of exactly what the public will see,
publication, corrections and withdrawal. Every front door calls these.

- The lead assessor (or someone covering for them), the Digital CoE or an administrator
  previews the public report in Welsh and English, naming phrases to withhold (names of
  junior staff, security detail): each place a phrase appears, in either language, is marked
  in the preview and replaced by "[withheld]" in the public text. Panel members are named by
  role only, except the lead assessor (GOV.UK reports name the lead assessor).
- Only a report the team has accepted is published (GDS and DfE publish once the team
  accepts). The publication is an immutable snapshot in both languages whose content hash is
  in the decision log (`report.published`).
- A correction is a new version with its reason, shown to the public; the earlier versions
  and their hashes stay (`report.corrected`, `services.report_corrections`).
- Withdrawing leaves a public notice at the same address (`report.withdrawn`).

Deny by default: someone who may not see the submission is told it does not exist. A refusal
writes nothing and is logged (`dfr.services.panels`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from checklists.loader import registry
from checklists.standards import standard_names
from dfr.errors import NotFoundError, PermissionDeniedError, TransitionError, ValidationError
from dfr.i18n import _
from dfr.labels import DISCIPLINES, N_, PANEL_ROLES, label
from models import audit
from models.assessment_report import AssessmentReport, ReportSection
from models.directory import Directorate, Person
from models.lifecycle import Role
from models.published_report import (
    LANGUAGES,
    SHORTEST_REDACTION,
    PublishedReport,
    PublishedReportVersion,
    appears_in,
    content_hash,
    public_texts,
    redaction_phrases,
    search_text,
    slug_for,
    with_redactions,
)
from models.review import PanelMember, ReviewTask
from models.submission import Submission
from models.working_days import london_today
from services.access import Actor, holds_review
from services.assessment_reports import latest_report, no_report
from services.panels import logged_step, visible_for

NOT_YET = {
    "draft": N_(
        "The report is still a draft. The lead sends it to the team, and it is published "
        "once the team accepts it."
    ),
    "sent": N_(
        "The team has not accepted the report yet. It can be published once they accept it."
    ),
}


@dataclass(frozen=True)
class PublicationView:
    """What the preview page shows: the public content before redaction, the phrases to
    withhold, the hash of what would be published, and where the publication stands."""

    submission: Submission
    report: AssessmentReport
    content: dict[str, Any]  # the public report, nothing withheld yet
    redactions: list[str]
    suggested: list[str]  # names of people found in the text (other than the lead)
    public_hash: str  # the hash of the content with the redactions applied
    published: PublishedReport | None
    versions: list[PublishedReportVersion]
    refusal: str | None  # why it cannot be published now (None: it can)


def _latest_report(session: Session, submission: Submission) -> AssessmentReport:
    report = latest_report(session, submission)
    if report is None or report.status == "draft":
        raise no_report(submission)
    return report


def require_publisher(session: Session, actor: Actor, report: AssessmentReport, on: date) -> None:
    """Refuse anyone but the lead (or their cover), the Digital CoE and administrators."""
    if not (
        holds_review(session, report.lead_id, actor.id, on) or actor.holds(Role.COE, Role.ADMIN)
    ):
        raise PermissionDeniedError(
            _(
                "Only the lead assessor (or someone covering for them) or the Digital Centre "
                "of Excellence publishes an assessment report."
            ),
            field="actor",
        )


def public_content(
    session: Session, submission: Submission, report: AssessmentReport
) -> dict[str, Any]:
    """The public report before anything is withheld: both languages, the lead by name and
    the rest of the panel by role only."""
    task = session.get(ReviewTask, report.task_id)
    checklist = registry().get(task.checklist_id or "", task.checklist_version) if task else None
    names = {lang: standard_names([checklist] if checklist else [], lang) for lang in LANGUAGES}
    order = list(names["en"])
    dg = session.get(Directorate, submission.dg_code)
    lead = session.get(Person, report.lead_id)
    seats = session.exec(
        select(PanelMember.discipline).where(
            PanelMember.task_id == report.task_id, PanelMember.panel_role == "assessor"
        )
    ).all()
    sections = session.exec(select(ReportSection).where(ReportSection.report_id == report.id)).all()
    sections = sorted(
        sections,
        key=lambda s: (order.index(s.standard_id) if s.standard_id in order else 99, s.standard_id),
    )
    return {
        "reference": submission.reference,
        "service_name": {lang: submission.title(lang) for lang in LANGUAGES},
        "description": {lang: submission.summary(lang) for lang in LANGUAGES},
        "dg": submission.dg_code,
        "dg_name": {lang: dg.name(lang) if dg else submission.dg_code for lang in LANGUAGES},
        "phase": submission.phase or "alpha",
        "reassessment": bool(task and task.attempt > 1),
        "assessed_on": report.assessed_on.isoformat(),
        "result": report.result,
        "lead_assessor": lead.name if lead else report.lead_id,
        "panel": ["lead", *sorted(d for d in seats if d)],
        "summary": {lang: report.summary(lang) for lang in LANGUAGES},
        "standards": [
            {
                "id": s.standard_id,
                "number": order.index(s.standard_id) + 1 if s.standard_id in order else None,
                "name": {lang: names[lang].get(s.standard_id, s.standard_id) for lang in LANGUAGES},
                "rating": s.rating,
                "done_well": {lang: s.text("done_well", lang) for lang in LANGUAGES},
                "to_explore": {lang: s.text("to_explore", lang) for lang in LANGUAGES},
            }
            for s in sections
        ],
    }


def _suggested(
    session: Session, report: AssessmentReport, submission: Submission, content: dict[str, Any]
) -> list[str]:
    """Names of the panel (but the lead) and the submitter that appear in the public text."""
    people = set(
        session.exec(
            select(PanelMember.person_id).where(PanelMember.task_id == report.task_id)
        ).all()
    ) | {submission.submitter_id}
    people.discard(report.lead_id)
    texts = list(public_texts(content))
    names = [p.name for p in session.exec(select(Person).where(col(Person.id).in_(people))).all()]
    return sorted(n for n in names if appears_in(n, texts))


def checked_redactions(lines: Iterable[str], content: dict[str, Any]) -> list[str]:
    """The phrases to withhold; refused if one is too short or not in the text."""
    phrases = redaction_phrases(lines)
    texts = list(public_texts(content))
    for phrase in phrases:
        if len(phrase) < SHORTEST_REDACTION:
            raise ValidationError(
                _(
                    "“{phrase}” is too short to withhold: name at least 3 characters.",
                    phrase=phrase,
                ),
                field="redactions",
            )
        if not appears_in(phrase, texts):
            raise ValidationError(
                _(
                    "“{phrase}” does not appear in the report in either language. Check the "
                    "spelling: a phrase is withheld only where it appears exactly.",
                    phrase=phrase,
                ),
                field="redactions",
            )
    return phrases


def _published(session: Session, report: AssessmentReport) -> PublishedReport | None:
    return session.exec(
        select(PublishedReport).where(PublishedReport.report_id == report.id)
    ).one_or_none()


def _versions(session: Session, published: PublishedReport | None) -> list[PublishedReportVersion]:
    if published is None:
        return []
    return list(
        session.exec(
            select(PublishedReportVersion)
            .where(PublishedReportVersion.published_id == published.id)
            .order_by(col(PublishedReportVersion.version))
        ).all()
    )


def _refusal(report: AssessmentReport, published: PublishedReport | None) -> str | None:
    if published is not None:
        return _("This report has been published. To change it, publish a correction.")
    if report.status != "accepted":
        return (
            _(NOT_YET[report.status])
            if report.status in NOT_YET
            else _("Only a report the team has accepted can be published.")
        )
    return None


def publication_view(
    session: Session,
    person_id: str,
    submission_id: int,
    redactions: Iterable[str] | None = None,
    *,
    on: date | None = None,
) -> PublicationView:
    """The preview of the public report with `redactions` marked (None: the names suggested);
    a phrase that is too short or not in the report is refused."""
    today = on or london_today()
    actor, submission = visible_for(session, person_id, submission_id, today)
    report = _latest_report(session, submission)
    require_publisher(session, actor, report, today)
    content = public_content(session, submission, report)
    suggested = _suggested(session, report, submission, content)
    phrases = checked_redactions(suggested if redactions is None else redactions, content)
    published = _published(session, report)
    return PublicationView(
        submission,
        report,
        content,
        phrases,
        suggested,
        content_hash(with_redactions(content, phrases)),
        published,
        _versions(session, published),
        _refusal(report, published),
    )


def _unique_slug(session: Session, wanted: str) -> str:
    slug, n = wanted, 1
    while session.exec(select(PublishedReport.id).where(PublishedReport.slug == slug)).first():
        n += 1
        slug = f"{wanted}-{n}"
    return slug


def refresh_finder_columns(published: PublishedReport, snapshot: dict[str, Any]) -> None:
    """Copy what the finder filters on from the snapshot."""
    published.title_cy = snapshot["service_name"]["cy"]
    published.title_en = snapshot["service_name"]["en"]
    published.search_text = search_text(snapshot, published.slug)


def publish_report(
    session: Session,
    submission_id: int,
    person_id: str,
    redactions: Iterable[str] = (),
    *,
    expected_hash: str | None = None,
    on: date | None = None,
    at: datetime | None = None,
) -> PublishedReport:
    """Publish the submission's accepted report with `redactions` withheld. `expected_hash`
    is the hash the preview showed: if the report changed since, it is refused."""
    today = on or london_today()

    def step() -> PublishedReport:
        view = publication_view(session, person_id, submission_id, list(redactions), on=today)
        if view.refusal:
            raise TransitionError(view.refusal, field="report")
        if expected_hash is not None and expected_hash != view.public_hash:
            raise TransitionError(
                _("The report has changed since your preview. Look at the preview again."),
                field="report",
            )
        snapshot = with_redactions(view.content, view.redactions)
        moment = at or datetime.now(UTC)
        report = view.report
        published = PublishedReport(
            report_id=report.id or 0,
            submission_id=submission_id,
            slug=_unique_slug(
                session, slug_for(snapshot["reference"], snapshot["phase"], report.assessed_on)
            ),
            dg_code=snapshot["dg"],
            phase=snapshot["phase"],
            reassessment=snapshot["reassessment"],
            result=snapshot["result"],
            assessed_on=report.assessed_on,
            first_published_at=moment,
        )
        refresh_finder_columns(published, snapshot)
        session.add(published)
        session.flush()
        entry = audit.append(
            session,
            event="report.published",
            actor_id=person_id,
            submission_id=submission_id,
            payload={
                "report_id": report.id,
                "published_id": published.id,
                "slug": published.slug,
                "version": 1,
                "content_hash": view.public_hash,
                "withheld": len(view.redactions),
            },
            at=moment,
        )
        session.add(
            PublishedReportVersion(
                published_id=published.id or 0,
                version=1,
                snapshot=snapshot,
                content_hash=view.public_hash,
                published_at=moment,
                published_by_id=person_id,
                log_seq=entry.seq,
            )
        )
        session.flush()
        return published

    return logged_step("report publication", person_id, submission_id, step)


def published_slug(
    session: Session, person_id: str, submission_id: int, on: date | None = None
) -> str:
    """The public address (slug) of the submission's latest published report, for staff."""
    view = publication_view(session, person_id, submission_id, [], on=on)
    if view.published is None:
        raise NotFoundError(
            _(
                "The report of {reference} has not been published.",
                reference=view.submission.reference,
            ),
            field="report",
        )
    return view.published.slug


def panel_role_names(content: dict[str, Any], language: str | None = None) -> list[str]:
    """The panel by role: "lead assessor", "user research assessor"…"""
    return [label(PANEL_ROLES, "lead", language)] + [
        label(DISCIPLINES, d, language) for d in content["panel"] if d != "lead"
    ]

"""Linking submissions to the register of services: a submission changes a service on the
register, or creates a new one (Digital Action Plan action 12). The submitter says which while
drafting or on the submission's page; the Digital CoE and administrators can too. Every link
made, changed or removed on a submission is in the decision log.

The register's side: the CoE's (and the owner's) page of a service lists the submissions
linked to it that the reader may see, and their assessments' phase and result once the report
is sent; the public page shows only assessments whose report is published. A person who may
not see a submission learns nothing of it from a service's page (not even that it exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError, PermissionDeniedError, ValidationError
from dfr.i18n import _
from dfr.labels import N_
from models import audit
from models.assessment_report import AssessmentReport
from models.directory import Directorate, Person
from models.draft import Draft
from models.lifecycle import Role
from models.published_report import PublishedReport
from models.service_links import CHANGES, CREATES, ServiceLink
from models.service_register import Service
from models.submission import Submission
from models.working_days import london_today
from services.access import Actor, load_actor, log_privacy_refusal, may_see, visible_submission
from services.drafts import open_draft
from services.register import edits_register, not_on_register

NEW = "new"  # the choice that says a submission creates a new service
EVENT_LINKED = "register.submission_linked"
EVENT_UNLINKED = "register.submission_unlinked"
PUBLISHED = "published"  # a publication the public sees (`PublishedReport.status`)
LINKERS = N_(
    "Only the submitter, the Digital Centre of Excellence and administrators can say which "
    "service a submission changes."
)


def service_choices(session: Session) -> list[Service]:
    """The services a submission can say it changes: every one not retired."""
    return [s for s in session.exec(select(Service)).all() if s.phase != "retired"]


def _changeable(session: Session, slug: str) -> Service | None:
    """The service at `slug` if a submission can say it changes it (on the register, not
    retired)."""
    service = session.exec(select(Service).where(Service.slug == slug)).one_or_none()
    return None if service is None or service.phase == "retired" else service


def read_choice(session: Session, choice: str) -> tuple[str | None, Service | None]:
    """A choice as a form or the CLI gives it: empty (no service), `new`, or a service's
    address (slug) on the register. ValidationError naming `service` otherwise."""
    choice = choice.strip()
    if not choice:
        return None, None
    if choice == NEW:
        return CREATES, None
    service = _changeable(session, choice)
    if service is None:
        raise ValidationError(
            _(
                "There is no service {slug} on the register to change. Choose one from the "
                "list, or say it creates a new service.",
                slug=choice,
            ),
            field="service",
        )
    return CHANGES, service


def read_named(session: Session, name: str) -> tuple[str, Service | None]:
    """The service a submission document names (its `service`): `new`, or the address of a
    service on the register. ValidationError naming `service` otherwise: the document is
    refused before anything of it is stored."""
    name = name.strip()
    if name == NEW:
        return CREATES, None
    service = _changeable(session, name)
    if service is None:
        raise ValidationError(
            _(
                "There is no service {slug} on the register for the submission to change. Give "
                "the address of a service on the register (such as blue-badge), or new if it "
                "creates a new service.",
                slug=name,
            ),
            field="service",
        )
    return CHANGES, service


def choose_for_draft(session: Session, person_id: str, draft_id: int, choice: str) -> Draft:
    """Record on the owner's draft the service it changes (or that it creates one); carried
    to the submission when the draft is sent."""
    draft = open_draft(session, person_id, draft_id)
    if draft.resubmission_of is not None:
        raise ValidationError(
            _("A resubmission keeps its link: change it on the submission's page."),
            field="service",
        )
    kind, service = read_choice(session, choice)
    draft.service_link, draft.service_id = kind, service.id if service else None
    session.add(draft)
    session.flush()
    return draft


def draft_choice(session: Session, person_id: str, draft_id: int) -> tuple[Draft, str]:
    """The owner's draft and its choice as `read_choice` takes it (empty, `new` or a slug)."""
    draft = open_draft(session, person_id, draft_id)
    if draft.service_link == CREATES:
        return draft, NEW
    service = session.get(Service, draft.service_id) if draft.service_id else None
    return draft, service.slug if service else ""


def draft_service_name(session: Session, draft: Draft, language: str) -> str:
    """What the draft says of its service, in words, for its check page."""
    return _in_words(session, draft.service_link, draft.service_id, language)


def _in_words(session: Session, kind: str | None, service_id: int | None, language: str) -> str:
    if kind == CREATES and service_id is None:
        return _("It creates a new service, not on the register yet")
    service = session.get(Service, service_id) if service_id else None
    if service is None:
        return _("None: it does not build or change a service on the register")
    if kind == CREATES:
        return _("It creates {service}", service=service.name(language))
    return _("It changes {service}", service=service.name(language))


def link_in_words(session: Session, submission_id: int, language: str) -> str | None:
    """What a submission's link says, in words (None: it is not linked)."""
    link = link_of(session, submission_id)
    return None if link is None else _in_words(session, link.kind, link.service_id, language)


def link_of(session: Session, submission_id: int) -> ServiceLink | None:
    return session.exec(
        select(ServiceLink).where(ServiceLink.submission_id == submission_id)
    ).one_or_none()


def _logged(kind: str | None, service: Service | None) -> dict[str, str | None]:
    return {"kind": kind, "service": service.slug if service else None}


def set_link(
    session: Session,
    submission_id: int,
    kind: str | None,
    service: Service | None,
    actor_id: str,
) -> ServiceLink | None:
    """Make the submission's link `kind` to `service` (None: no link) and log the change;
    nothing is logged when nothing changes. No permission check: the callers make it."""
    link = link_of(session, submission_id)
    service_id = service.id if service else None
    same_new_service = service is None or service.id == link.service_id if link else False
    if link is not None and link.kind == CREATES and kind is not None and same_new_service:
        return link  # the new service again, or the entry the CoE added for it
    if link is None and kind is None:
        return None
    if link is not None and (link.kind, link.service_id) == (kind, service_id):
        return link
    before = None
    if link is not None:
        linked = session.get(Service, link.service_id) if link.service_id else None
        before = _logged(link.kind, linked)
    payload: dict[str, Any] = {"from": before}
    if kind is None:
        assert link is not None
        session.delete(link)
        link, event = None, EVENT_UNLINKED
    else:
        link = link or ServiceLink(submission_id=submission_id, kind=kind, linked_by_id=actor_id)
        link.kind, link.service_id, link.linked_by_id = kind, service_id, actor_id
        session.add(link)
        payload, event = {**_logged(kind, service), **payload}, EVENT_LINKED
    audit.append(
        session, event=event, actor_id=actor_id, submission_id=submission_id, payload=payload
    )
    session.flush()
    return link


def carry_from_draft(session: Session, draft: Draft, submission_id: int) -> None:
    """The sent draft's choice becomes its submission's link (a resubmission keeps its own)."""
    if draft.resubmission_of is not None or draft.service_link is None:
        return
    service = session.get(Service, draft.service_id) if draft.service_id else None
    set_link(session, submission_id, draft.service_link, service, draft.person_id)


def linked_slug(session: Session, link: ServiceLink | None) -> str | None:
    """The address of the service a link names (None: no link, or a new service not added)."""
    service = session.get(Service, link.service_id) if link and link.service_id else None
    return service.slug if service else None


def may_link(actor: Actor, submission: Submission) -> bool:
    """The submitter, the Digital CoE and administrators."""
    return submission.submitter_id == actor.id or actor.holds(Role.COE, Role.ADMIN)


def link_submission(
    session: Session, actor_id: str, submission_id: int, choice: str, on: date | None = None
) -> ServiceLink | None:
    """Say which service submission `submission_id` changes, that it creates a new one
    (`new`), or (empty) neither. Anyone who may not see the submission is told it does not
    exist; anyone else but its submitter, the CoE and administrators is refused."""
    actor = load_actor(session, actor_id)
    if actor is None:
        raise NotFoundError(_("There is no person {id}.", id=actor_id), field="actor")
    submission = visible_submission(session, actor, submission_id, on)
    if not may_link(actor, submission):
        raise PermissionDeniedError(_(LINKERS), field="service")
    kind, service = read_choice(session, choice)
    return set_link(session, submission_id, kind, service, actor_id)


@dataclass(frozen=True)
class SubmissionLink:
    """What a submission's page says of its service, and whether the reader can change it."""

    kind: str | None
    service: Service | None
    may_change: bool
    choices: list[Service]


def submission_link(session: Session, actor: Actor, submission: Submission) -> SubmissionLink:
    """The link of a submission `actor` may see (the caller checked that)."""
    link = link_of(session, submission.id or 0)
    service = session.get(Service, link.service_id) if link and link.service_id else None
    changes = may_link(actor, submission)
    return SubmissionLink(
        link.kind if link else None,
        service,
        changes,
        service_choices(session) if changes else [],
    )


# -- the register's side ------------------------------------------------------------------


@dataclass(frozen=True)
class Assessed:
    """An assessment of a linked submission, as far as it may be told: the phase, the overall
    result and when it was assessed."""

    phase: str | None
    result: str
    assessed_on: date
    report: str | None = None  # the published report's address (`/reports/<slug>`), if any


@dataclass(frozen=True)
class Linked:
    submission: Submission
    kind: str
    assessments: list[Assessed]


@dataclass(frozen=True)
class ServiceRecord:
    """A service as the CoE and its owner see it."""

    service: Service
    dg: Directorate
    owner: Person | None
    linked: list[Linked]
    may_edit: bool  # the CoE or an administrator (owner and register entry)


def _assessments(session: Session, submissions: dict[int, Submission]) -> dict[int, list[Assessed]]:
    """Each submission's assessments whose report has been sent to the team (a draft is the
    panel's), with the published report's address where there is one."""
    found: dict[int, list[Assessed]] = {sid: [] for sid in submissions}
    if not submissions:
        return found
    published = {
        p.report_id: p.slug
        for p in session.exec(
            select(PublishedReport).where(
                col(PublishedReport.submission_id).in_(list(submissions)),
                PublishedReport.status == PUBLISHED,
            )
        ).all()
    }
    query = select(AssessmentReport).where(
        col(AssessmentReport.submission_id).in_(list(submissions)),
        AssessmentReport.status != "draft",
    )
    for report in session.exec(query.order_by(col(AssessmentReport.assessed_on))).all():
        phase = submissions[report.submission_id].phase
        found[report.submission_id].append(
            Assessed(phase, report.result, report.assessed_on, published.get(report.id or 0))
        )
    return found


def _linked_to(session: Session, service: Service) -> list[tuple[ServiceLink, Submission]]:
    return list(
        session.exec(
            select(ServiceLink, Submission)
            .join(Submission, col(Submission.id) == col(ServiceLink.submission_id))
            .where(ServiceLink.service_id == service.id)
            .order_by(col(Submission.id))
        ).all()
    )


def service_record(
    session: Session, actor_id: str, slug: str, on: date | None = None
) -> ServiceRecord:
    """Service `slug` for the CoE, administrators and its owner, with the linked submissions
    the reader may see. Anyone else is told there is no such service."""
    actor = load_actor(session, actor_id)
    service = session.exec(select(Service).where(Service.slug == slug)).one_or_none()
    editor = edits_register(actor)
    if actor is None or service is None or not (editor or service.owner_id == actor.id):
        if service is not None:
            log_privacy_refusal(actor_id, "register service", slug)
        raise not_on_register(slug)  # the words for one that is not on the register at all
    today = on or london_today()
    visible = {
        s.id or 0: (link, s)
        for link, s in _linked_to(session, service)
        if may_see(session, actor, s, today)
    }
    assessments = _assessments(session, {sid: s for sid, (_l, s) in visible.items()})
    dg = session.get(Directorate, service.dg_code)
    assert dg is not None
    return ServiceRecord(
        service,
        dg,
        session.get(Person, service.owner_id) if service.owner_id else None,
        [Linked(s, link.kind, assessments[sid]) for sid, (link, s) in visible.items()],
        editor,
    )


def published_assessments(session: Session, service: Service) -> list[Assessed]:
    """The published reports (not withdrawn) of submissions linked to `service`: what the
    public page may show, as the report finder shows them (phase, result, date, address) and
    nothing else of the submission."""
    linked = select(ServiceLink.submission_id).where(ServiceLink.service_id == service.id)
    return [
        Assessed(p.phase, p.result, p.assessed_on, p.slug)
        for p in session.exec(
            select(PublishedReport)
            .where(
                col(PublishedReport.submission_id).in_(linked), PublishedReport.status == PUBLISHED
            )
            .order_by(col(PublishedReport.assessed_on))
        ).all()
    ]

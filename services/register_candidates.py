"""From the ranked list of candidates for transformation to a submission, in one step: the
CoE turns a service on the register into a draft initiative to transform it, pre-filled with
the service's DG and a title and summary in the CoE's language, linked to the service. The
draft opens in the drafting journey (`services.drafts`) for the CoE to complete (the other
language, the checklist); sending it is the ordinary intake, with its rules on who submits.

One open draft per candidate: while a draft for the service is not sent, a second is refused,
saying where the first is. Starting one is logged.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from dfr.dates import long_date
from dfr.errors import ValidationError
from dfr.i18n import _, gettext
from dfr.labels import N_
from models import audit
from models.directory import Directorate, Person
from models.draft import Draft
from models.service_links import CHANGES
from services.register import require_editor, service_by_slug

EVENT_DRAFTED = "register.candidate_drafted"
TITLE = N_("Transform {service}")
SUMMARY = N_(
    "Transform {service} ({dg}), a service on the register of transactional services, so "
    "that people can use it digitally from end to end. It is a candidate on the Digital Centre "
    "of Excellence's ranked list for digital transformation."
)


def _open_draft_for(session: Session, service_id: int) -> Draft | None:
    return session.exec(
        select(Draft)
        .where(
            Draft.service_id == service_id,
            Draft.service_link == CHANGES,
            col(Draft.submission_id).is_(None),
        )
        .order_by(col(Draft.id))
    ).first()


def _where(session: Session, draft: Draft, actor_id: str, language: str) -> str:
    if draft.person_id == actor_id:
        return _("your draft, at /drafts/{id}/check", id=draft.id)
    person = session.get(Person, draft.person_id)
    return _(
        "a draft {person} started on {date} (only they can open it)",
        person=person.name if person else draft.person_id,
        date=long_date(draft.created_at, language),
    )


def draft_for_candidate(session: Session, actor_id: str, slug: str, language: str) -> Draft:
    """A draft initiative to transform service `slug`, owned by the CoE member `actor_id`,
    written in `language` (cy or en)."""
    require_editor(session, actor_id)
    service = service_by_slug(session, slug)
    if service.phase == "retired":
        raise ValidationError(
            _("{service} is retired: it is not a candidate for transformation.", service=slug),
            field="service",
        )
    existing = _open_draft_for(session, service.id or 0)
    if existing is not None:
        raise ValidationError(
            _(
                "There is a draft to transform this service already: {where}. Finish or "
                "delete it first.",
                where=_where(session, existing, actor_id, language),
            ),
            field="service",
        )
    dg = session.get(Directorate, service.dg_code)
    name = service.name(language)
    draft = Draft(
        person_id=actor_id,
        kind="initiative",
        dg_code=service.dg_code,
        service_link=CHANGES,
        service_id=service.id,
    )
    setattr(draft, f"title_{language}", gettext(TITLE, language).format(service=name)[:200])
    setattr(
        draft,
        f"summary_{language}",
        gettext(SUMMARY, language).format(service=name, dg=dg.name(language) if dg else ""),
    )
    session.add(draft)
    session.flush()
    audit.append(
        session,
        event=EVENT_DRAFTED,
        actor_id=actor_id,
        submission_id=None,
        payload={"service": slug, "draft": draft.id},
    )
    return draft

"""The register's working page (not the public register): for the Digital CoE and
administrators every service and the pending register proposals; for a service owner the
services they own. Anyone else is told there is no such page. And what the form that edits
one entry shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from dfr.errors import NotFoundError
from dfr.i18n import _
from models.directory import Directorate, Person
from models.service_register import Service, TransactionType
from services.access import load_actor
from services.register import edits_register, entry_cells, service_to_change
from services.register_proposals import Proposal, pending_proposals


@dataclass(frozen=True)
class Desk:
    services: list[Service]
    owners: dict[str, str]  # person id → name
    proposals: list[Proposal]
    editor: bool  # the CoE or an administrator


def register_desk(session: Session, actor_id: str, language: str) -> Desk:
    """What `actor_id` works on in the register; NotFoundError for someone with nothing."""
    actor = load_actor(session, actor_id)
    editor = edits_register(actor)
    query = select(Service)
    if not editor:
        query = query.where(Service.owner_id == actor_id)
    services = sorted(session.exec(query).all(), key=lambda s: s.name(language).lower())
    if actor is None or not (editor or services):
        raise NotFoundError(_("Check the web address is correct."))
    owner_ids = sorted({s.owner_id for s in services if s.owner_id})
    owners = {
        p.id: p.name
        for p in session.exec(select(Person).where(col(Person.id).in_(owner_ids))).all()
    }
    return Desk(services, owners, pending_proposals(session, actor_id) if editor else [], editor)


def transaction_type_names(session: Session, language: str) -> dict[str, str]:
    """Every type of transaction's name in `language`, by code, in name order."""
    kinds = session.exec(select(TransactionType)).all()
    return {k.code: k.name(language) for k in sorted(kinds, key=lambda k: k.name(language).lower())}


@dataclass(frozen=True)
class EntryForm:
    """What the form that edits a service's entry shows: the entry, its fields as text, its
    DG, and the types of transaction it may name (code → name in the reader's language)."""

    service: Service
    cells: dict[str, str]
    dg: Directorate
    types: dict[str, str]


def entry_form(session: Session, actor_id: str, slug: str, language: str) -> EntryForm:
    """Service `slug`'s entry, for the CoE or an administrator to change; anyone else is told
    there is no such service (`services.register.service_to_change`)."""
    service = service_to_change(session, actor_id, slug)
    dg = session.get(Directorate, service.dg_code)
    assert dg is not None  # a foreign key
    return EntryForm(service, entry_cells(service), dg, transaction_type_names(session, language))
